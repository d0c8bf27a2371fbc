package dev.cryo.sentry.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MemoryFileTest {
    private static final long PAGE = MemoryFile.PAGE;

    /**
     * Random allocations and releases never hand out a live range twice. (A TreeMap entry read
     * after its removal once gave out ranges that were still free: libraries overwrote libc.)
     */
    @Test
    void allocationsNeverOverlapAndFreedSpaceIsReused() {
        try (MemoryFile f = new MemoryFile(1L << 34)) {
            Random rnd = new Random(1);
            TreeMap<Long, Long> live = new TreeMap<>();
            List<Long> order = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                if (!order.isEmpty() && rnd.nextInt(3) == 0) {
                    long off = order.remove(rnd.nextInt(order.size()));
                    f.release(off, live.remove(off));
                } else {
                    long len = (1 + rnd.nextInt(64)) * PAGE;
                    long off = f.allocate(len);
                    var below = live.floorEntry(off);
                    assertTrue(below == null || below.getKey() + below.getValue() <= off, "overlaps below at " + off);
                    var above = live.ceilingEntry(off);
                    assertTrue(above == null || off + len <= above.getKey(), "overlaps above at " + off);
                    live.put(off, len);
                    order.add(off);
                }
            }
            long sum = live.values().stream().mapToLong(Long::longValue).sum();
            assertEquals(sum, f.usage());
            for (long off : new ArrayList<>(live.keySet())) f.release(off, live.remove(off));
            assertEquals(0, f.usage());
            assertEquals(0, f.allocate(PAGE), "everything coalesced back into one free range");
        }
    }

    @Test
    void releasedMemoryReadsAsZeroWhenReallocated() {
        try (MemoryFile f = new MemoryFile(1L << 30)) {
            long a = f.allocate(2 * PAGE);
            f.write(a + 10, new byte[] {1, 2, 3}, 0, 3);
            f.release(a, 2 * PAGE);
            long b = f.allocate(2 * PAGE);
            assertEquals(a, b);
            byte[] back = new byte[3];
            f.read(b + 10, back, 0, 3);
            assertEquals(0, back[0] | back[1] | back[2]);
        }
    }
}
