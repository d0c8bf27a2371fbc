package dev.cryo.sentry.mm;

import dev.cryo.sentry.abi.Mman;
import dev.cryo.sentry.memory.MemoryFile;
import java.util.Map;
import java.util.TreeMap;

/**
 * The application's side of the memory file's write tracking ({@link MemoryFile#tracking}): while
 * it is on, the host mappings of writable memory whose granules are unwritten are kept
 * read-only, so that the first write to each faults; the fault records the granule as written
 * and makes it writable again. Ptrace gives no dirty bits (the host has no soft-dirty either), so
 * this is how a checkpoint into the store learns which chunks it need not hash again.
 *
 * <p>Ranges here are application addresses mapped in the address space but held read-only for
 * the tracking (their VMA may be written). Transient, as the mirror of the mappings is.
 */
final class WriteTracking {
    /** Read-only for the tracking: start to end. */
    private final TreeMap<Long, Long> held = new TreeMap<>();
    /**
     * Made writable again by a write fault in this epoch: start to end. Another thread of the
     * address space may have faulted on the same granule while it was held; its fault, served
     * after this one, finds the page mapped and not held, and must run again (see
     * {@link #released}).
     */
    private final TreeMap<Long, Long> released = new TreeMap<>();
    /** The file's tracking epoch these mappings were last protected for. */
    private long epoch;

    WriteTracking(long epoch) {
        this.epoch = epoch;
    }

    /**
     * At the task loop's boundary, before application code runs: after a checkpoint restarted
     * tracking (a new epoch), every unwritten granule of writable mapped memory is made read-only
     * again; after tracking stopped, what was held goes back to its VMA's protection.
     */
    void arm(MemoryManager mm) {
        long now = mm.file.trackingEpoch();
        if (now == epoch) return;
        epoch = now;
        released.clear();
        if (mm.file.tracking()) {
            for (Map.Entry<Long, Long> m : new TreeMap<>(mm.mapped).entrySet()) protectUnwritten(mm, m.getKey(), m.getValue());
        } else {
            for (Map.Entry<Long, Long> h : held.entrySet()) restore(mm, h.getKey(), h.getValue());
            held.clear();
        }
    }

    /**
     * Makes the unwritten granules of writable memory mapped in [start, end) read-only (just
     * mapped, or made writable by mprotect). Nothing while tracking is off.
     */
    void protectUnwritten(MemoryManager mm, long start, long end) {
        if (!mm.file.tracking()) return;
        Map.Entry<Long, Vma> first = mm.vmas.floorEntry(start);
        Long key = first != null && first.getValue().end > start ? first.getKey() : mm.vmas.ceilingKey(start);
        if (key == null) return;
        for (Vma v : mm.vmas.tailMap(key, true).values()) {
            if (v.start >= end) break;
            if ((v.prot & Mman.PROT_WRITE) == 0) continue;
            long lo = Math.max(start, v.start), hi = Math.min(end, v.end);
            // Granule by granule (64 KiB of the file), runs of unwritten ones at a time.
            long pos = lo;
            while (pos < hi) {
                long off = v.fileOffset + (pos - v.start);
                long next = Math.min(hi, pos + (MemoryFile.GRANULE - off % MemoryFile.GRANULE));
                if (!mm.file.unwritten(off, next - pos)) {
                    pos = next;
                    continue;
                }
                long runEnd = next;
                while (runEnd < hi) {
                    long o = v.fileOffset + (runEnd - v.start);
                    long n = Math.min(hi, runEnd + MemoryFile.GRANULE);
                    if (!mm.file.unwritten(o, n - runEnd)) break;
                    runEnd = n;
                }
                holdMapped(mm, pos, runEnd, v.prot & ~Mman.PROT_WRITE);
                pos = runEnd;
            }
        }
    }

    /** Protects the mapped parts of [start, end) with {@code prot} and holds them. */
    private void holdMapped(MemoryManager mm, long start, long end, int prot) {
        Map.Entry<Long, Long> m = mm.mapped.floorEntry(start);
        if (m == null || m.getValue() <= start) m = mm.mapped.ceilingEntry(start);
        while (m != null && m.getKey() < end) {
            long s = Math.max(start, m.getKey()), e = Math.min(end, m.getValue());
            if (e > s) {
                mm.as.protect(s, e - s, prot);
                Ranges.add(held, s, e);
            }
            m = mm.mapped.higherEntry(m.getKey());
        }
    }

    /**
     * A write fault at {@code addr} in {@code v} (writable): if the page is held, its granule is
     * recorded as written and that granule's part of the mapping made writable. False if the
     * page is not held: the fault is something else.
     */
    boolean writeFault(MemoryManager mm, Vma v, long addr) {
        if (!holds(addr)) return false;
        long off = v.fileOffset + (addr - v.start);
        long g = off - off % MemoryFile.GRANULE;
        mm.file.markWritten(g, MemoryFile.GRANULE);
        long lo = Math.max(v.start, v.start + (g - v.fileOffset));
        long hi = Math.min(v.end, v.start + (g + MemoryFile.GRANULE - v.fileOffset));
        Long from = held.floorKey(lo);
        for (Map.Entry<Long, Long> h : new TreeMap<>(held.subMap(from != null ? from : lo, true, hi, false)).entrySet()) {
            long s = Math.max(lo, h.getKey()), e = Math.min(hi, h.getValue());
            if (e <= s) continue;
            mm.as.protect(s, e - s, v.prot);
            cut(s, e);
            Ranges.add(released, s, e);
        }
        return true;
    }

    /** Whether {@code addr} was made writable again by a write fault since the last re-protection. */
    boolean released(long addr) {
        return Ranges.contains(released, addr);
    }

    /** Whether {@code addr} is mapped read-only for the tracking. */
    boolean holds(long addr) {
        return Ranges.contains(held, addr);
    }

    /** Forgets [start, end): unmapped, or given another protection by the caller. */
    void cut(long start, long end) {
        Ranges.cut(held, start, end);
        Ranges.cut(released, start, end);
    }

    void clear() {
        held.clear();
        released.clear();
    }

    /** Gives [start, end) its VMAs' protection back (tracking stopped). */
    private static void restore(MemoryManager mm, long start, long end) {
        for (long pos = start; pos < end; ) {
            Vma v = mm.vmaAt(pos);
            if (v == null) break;
            long e = Math.min(end, v.end);
            mm.as.protect(pos, e - pos, v.prot);
            pos = e;
        }
    }
}
