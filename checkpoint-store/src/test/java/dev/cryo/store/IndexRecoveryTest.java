package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index is derived data: deleted, damaged, left open by a dead process or full, it is rebuilt. */
class IndexRecoveryTest {
    @TempDir
    Path dir;

    private static List<ChunkRef> fakeChunks(int n, long seed) {
        Random r = new Random(seed);
        List<ChunkRef> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] h = new byte[32];
            r.nextBytes(h);
            out.add(new ChunkRef(0, 65536, h, r.nextLong(), 24 + i, 100 + i, false, i));
        }
        return out;
    }

    private static String mapFile(Path ix) throws Exception {
        try (var s = Files.list(ix)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cmap")).findFirst().orElse(null);
        }
    }

    @Test
    void growsPastItsCapacityByRebuildingBigger() throws Exception {
        List<ChunkRef> truth = fakeChunks(1000, 1);
        ChunkIndex ix = ChunkIndex.acquire(dir, () -> truth, 0, null);
        assertEquals(ChunkIndex.MIN_CAPACITY, ix.capacity());
        // A writer about to add more than the map holds gets a bigger one with everything in it.
        ChunkIndex bigger = ChunkIndex.acquire(dir, () -> truth, 100_000, ix);
        assertTrue(bigger.capacity() >= 4 * 100_000 / 3, "capacity " + bigger.capacity());
        List<ChunkRef> more = fakeChunks(100_000, 2);
        bigger.putAll(more);
        assertEquals(101_000, bigger.size());
        assertNotNull(bigger.get(truth.get(500).hash()));
        assertEquals(more.get(99_999).packOffset(), bigger.get(more.get(99_999).hash()).packOffset());
        bigger.close();
    }

    @Test
    void aMarkerLeftByADeadProcessMeansRebuild() throws Exception {
        List<ChunkRef> truth = fakeChunks(10, 3);
        ChunkIndex ix = ChunkIndex.acquire(dir, () -> truth, 0, null);
        ix.putAll(fakeChunks(5, 4)); // entries no manifest has: a rebuild drops them
        ix.close();
        String before = mapFile(dir);
        // pid_max is at most 2^22: this pid cannot be alive.
        Files.writeString(dir.resolve("open.4194305.abcd"), "1");
        ChunkIndex again = ChunkIndex.acquire(dir, () -> truth, 0, null);
        assertNotEquals(before, mapFile(dir), "a new generation");
        assertEquals(10, again.size());
        assertTrue(Files.notExists(dir.resolve("open.4194305.abcd")));
        again.close();
        // Closed cleanly: the next opener trusts it and keeps the generation.
        String now = mapFile(dir);
        ChunkIndex third = ChunkIndex.acquire(dir, () -> List.of(), 0, null);
        assertEquals(now, mapFile(dir));
        assertEquals(10, third.size());
        third.close();
    }

    @Test
    void aTruncatedMapFileIsRebuiltWithoutWaitingForChronicle() throws Exception {
        List<ChunkRef> truth = fakeChunks(10, 5);
        ChunkIndex.acquire(dir, () -> truth, 0, null).close();
        Path f = dir.resolve(mapFile(dir));
        Files.write(f, new byte[] {1, 2, 3});
        long t0 = System.nanoTime();
        ChunkIndex ix = ChunkIndex.acquire(dir, () -> truth, 0, null);
        assertTrue(System.nanoTime() - t0 < 20e9, "no minute-long wait on the damaged file");
        assertEquals(10, ix.size());
        ix.close();
    }

    @Test
    void aStoreWhoseIndexIsDeletedRebuildsItAndStillDedups() throws Exception {
        BufferMemory mem = BufferMemory.whole(8 << 20);
        mem.fill(9);
        try (Store store = Store.open(dir)) {
            store.checkpoint(new byte[0], mem, Labels.named("a"), Progress.NONE);
        }
        try (var s = Files.list(dir.resolve("index"))) {
            for (Path p : s.toList()) Files.delete(p);
        }
        try (Store store = Store.open(dir)) {
            CheckpointResult r = store.checkpoint(new byte[0], mem, Labels.named("b"), Progress.NONE);
            assertEquals(0, r.newChunks(), "every chunk found through the rebuilt index");
        }
    }
}
