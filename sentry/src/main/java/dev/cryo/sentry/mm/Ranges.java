package dev.cryo.sentry.mm;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sets of address ranges kept as start-to-end maps, disjoint and coalesced: what the memory
 * manager has mapped in its address space, and what the write tracking holds read-only.
 */
final class Ranges {
    private Ranges() {}

    /** Whether {@code addr} lies in one of the ranges. */
    static boolean contains(TreeMap<Long, Long> ranges, long addr) {
        Map.Entry<Long, Long> r = ranges.floorEntry(addr);
        return r != null && r.getValue() > addr;
    }

    /** Adds [start, end), merged with the ranges it overlaps or touches. */
    static void add(TreeMap<Long, Long> ranges, long start, long end) {
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        while (true) {
            Map.Entry<Long, Long> after = ranges.ceilingEntry(start);
            if (after == null || after.getKey() > end) break;
            long afterEnd = after.getValue();
            ranges.remove(after.getKey());
            end = Math.max(end, afterEnd);
        }
        ranges.put(start, end);
    }

    /** Removes [start, end), cutting the ranges that straddle its ends. */
    static void cut(TreeMap<Long, Long> ranges, long start, long end) {
        Map.Entry<Long, Long> m = ranges.floorEntry(start);
        if (m != null && m.getValue() > start) {
            ranges.put(m.getKey(), start);
            if (m.getKey() == start) ranges.remove(start);
            if (m.getValue() > end) ranges.put(end, m.getValue());
        }
        while (true) {
            Map.Entry<Long, Long> n = ranges.ceilingEntry(start);
            if (n == null || n.getKey() >= end) break;
            ranges.remove(n.getKey());
            if (n.getValue() > end) ranges.put(end, n.getValue());
        }
    }

    /** Whether any range overlaps [start, end). */
    static boolean overlaps(TreeMap<Long, Long> ranges, long start, long end) {
        if (contains(ranges, start)) return true;
        Map.Entry<Long, Long> n = ranges.ceilingEntry(start);
        return n != null && n.getKey() < end;
    }
}
