package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup target, scaled from 200 MiB to 64 MiB: 10 successive checkpoints of a
 * sandbox that changes about 1% of its memory between them take at most 1.15x the stored size of
 * the first. The changes come as two runs of 320 KiB at unaligned places (heap-like writes).
 */
class DedupTest {
    @TempDir
    Path dir;

    @Test
    void tenCheckpointsChangingOnePercentTakeAtMostOnePointFifteenTimesTheFirst() throws Exception {
        int size = 64 << 20;
        BufferMemory mem = BufferMemory.whole(size);
        mem.fill(42);
        try (Store store = Store.open(dir)) {
            String parent = "";
            for (int i = 0; i < 10; i++) {
                if (i > 0) mem.change(1000 + i, 2, 80); // 2 x 320 KiB = 1% of 64 MiB
                CheckpointResult r = store.checkpoint(new byte[4096], mem, Labels.named("app:" + i).withParent(parent),
                        Progress.NONE);
                parent = r.snapshot().id();
                BufferMemory back = BufferMemory.whole(size);
                if (i == 9) {
                    store.restore(parent, back, true, Progress.NONE);
                    assertTrue(mem.sameAs(back), "the last snapshot restores exactly");
                }
            }
            List<SnapshotSummary> list = store.list();
            assertEquals(10, list.size());
            long first = list.get(0).storedSize();
            long total = StoreRoundTripTest.du(dir.resolve("packs")) + StoreRoundTripTest.du(dir.resolve("snapshots"));
            double ratio = (double) total / first;
            System.out.printf("dedup: first %d bytes, ten %d bytes, %.3fx%n", first, total, ratio);
            assertTrue(ratio <= 1.15, "10 snapshots take " + ratio + "x the first");
            // Each later snapshot owns only what changed: its unique bytes are a few percent.
            for (SnapshotSummary s : list.subList(1, 10)) assertTrue(s.uniqueBytes() < first / 50, s.toString());
        }
    }

    @Test
    void twoSandboxesFromTheSameProgramShareTheirIdenticalChunks() throws Exception {
        BufferMemory a = BufferMemory.whole(16 << 20);
        a.fill(7);
        BufferMemory b = BufferMemory.whole(16 << 20);
        b.fill(7);
        b.change(99, 4, 64); // each then diverges a little
        try (Store store = Store.open(dir)) {
            store.checkpoint(new byte[0], a, Labels.named("a").withSource("sandbox-a"), Progress.NONE);
            CheckpointResult rb = store.checkpoint(new byte[0], b, Labels.named("b").withSource("sandbox-b"),
                    Progress.NONE);
            assertTrue(rb.dedupChunks() > 10 * rb.newChunks(), rb.toString());
            Inspection ib = store.inspect("b");
            assertTrue(ib.sharedChunks() > 0.9 * ib.distinctChunks(), "b shares most of its chunks with a");
            assertTrue(ib.summary().uniqueBytes() < ib.summary().storedSize() / 10);
        }
    }
}
