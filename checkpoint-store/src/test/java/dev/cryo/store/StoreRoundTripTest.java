package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void checkpointThenRestoreGivesBackMemoryKernelStateAndMetadata() throws Exception {
        BufferMemory mem = BufferMemory.whole(8 << 20);
        mem.fill(1);
        byte[] kernel = "kernel state".getBytes();
        try (Store store = Store.open(dir.resolve("store"))) {
            CheckpointResult r = store.checkpoint(kernel, mem,
                    Labels.named("web:v1").withSource("sb-1").withMetadata(Map.of("layout", "abc")), Progress.NONE);
            assertTrue(r.zeroChunks() == 0 || r.snapshot().chunks().size() < 128);
            BufferMemory back = BufferMemory.whole(8 << 20);
            Snapshot s = store.restore("web:v1", back, true, Progress.NONE);
            assertTrue(mem.sameAs(back));
            assertArrayEquals(kernel, s.kernelState());
            assertEquals("abc", s.metadata().get("layout"));
            assertEquals("sb-1", s.source());
            assertEquals(8 << 20, s.logicalSize());
            assertEquals(r.snapshot().id(), store.resolve(r.snapshot().id().substring(0, 6)));
        }
    }

    @Test
    void progressReachesItsTotalForCheckpointRestoreAndVerify() throws Exception {
        BufferMemory mem = BufferMemory.whole(4 << 20);
        mem.fill(2);
        try (Store store = Store.open(dir)) {
            java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(), total =
                    new java.util.concurrent.atomic.AtomicLong();
            Progress p = (d, t) -> {
                last.accumulateAndGet(d, Math::max);
                total.set(t);
            };
            String id = store.checkpoint(new byte[0], mem, Labels.none(), p).snapshot().id();
            assertEquals(4 << 20, last.get());
            assertEquals(4 << 20, total.get());
            last.set(0);
            store.restore(id, BufferMemory.whole(4 << 20), false, p);
            assertEquals(total.get(), last.get());
            last.set(0);
            store.verify(id, p);
            assertEquals(total.get(), last.get());
        }
    }

    @Test
    void zeroChunksAreNotStoredAndRestoreAsZero() throws Exception {
        int size = 4 << 20;
        BufferMemory mem = new BufferMemory(size, List.of(new Range(0, 1 << 20), new Range(2 << 20, 2 << 20)), true);
        mem.buf.put(5000, (byte) 7); // one non-zero chunk in the first range; the rest is zero
        mem.buf.put((3 << 20) + 1, (byte) 9);
        try (Store store = Store.open(dir)) {
            CheckpointResult r = store.checkpoint(new byte[0], mem, Labels.none(), Progress.NONE);
            assertEquals(2, r.snapshot().chunks().size());
            assertEquals(3 * 16 - 2, r.zeroChunks());
            BufferMemory back = new BufferMemory(size, List.of(), false); // through write(), no views
            store.restore(r.snapshot().id(), back, false, Progress.NONE);
            assertTrue(mem.sameAs(back));
        }
    }

    @Test
    void aFileBackedSourceAndSinkRoundTripThroughTheStore() throws Exception {
        BufferMemory mem = BufferMemory.whole(4 << 20);
        mem.fill(3);
        Path src = dir.resolve("mem.bin");
        try (var ch = java.nio.channels.FileChannel.open(src, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(mem.buf.duplicate().clear());
        }
        try (Store store = Store.open(dir.resolve("store"));
             FileMemory in = FileMemory.source(src, List.of(new Range(0, 4 << 20)))) {
            String id = store.checkpoint(new byte[] {1}, in, Labels.none(), Progress.NONE).snapshot().id();
            Path out = dir.resolve("restored.bin");
            try (FileMemory sink = FileMemory.sink(out, 4 << 20)) {
                store.restore(id, sink, true, Progress.NONE);
            }
            assertEquals(-1, Files.mismatch(src, out));
        }
    }

    /**
     * An index entry is only a hint: one that names a record of other content (a damaged or
     * stale index) is not trusted, the chunk is stored anew, and the snapshot restores its own
     * bytes.
     */
    @Test
    void anIndexEntryPointingAtAnotherRecordIsNotTrusted() throws Exception {
        BufferMemory a = BufferMemory.whole(1 << 20);
        a.fill(5);
        BufferMemory b = BufferMemory.whole(1 << 20);
        b.fill(6);
        try (Store store = Store.open(dir)) {
            CheckpointResult first = store.checkpoint(new byte[0], a, Labels.named("a"), Progress.NONE);
            ChunkRef there = first.snapshot().chunks().get(0);
            byte[] hashOfB = Hashes.sha256(b.readView(0, there.rawLength()));
            store.heldIndex().putAll(List.of(new ChunkRef(0, there.rawLength(), hashOfB, there.packId(),
                    there.packOffset(), there.storedLength(), there.raw(), there.crc())));
            CheckpointResult second = store.checkpoint(new byte[0], b, Labels.named("b"), Progress.NONE);
            assertEquals(second.snapshot().chunks().size(), second.newChunks(), "nothing deduplicated against a");
            BufferMemory back = BufferMemory.whole(1 << 20);
            store.restore("b", back, true, Progress.NONE);
            assertTrue(b.sameAs(back));
        }
    }

    @Test
    void aSecondCheckpointOfTheSameMemoryWritesNoChunks() throws Exception {
        BufferMemory mem = BufferMemory.whole(8 << 20);
        mem.fill(4);
        try (Store store = Store.open(dir)) {
            CheckpointResult a = store.checkpoint(new byte[0], mem, Labels.named("a"), Progress.NONE);
            CheckpointResult b = store.checkpoint(new byte[0], mem, Labels.named("b"), Progress.NONE);
            assertTrue(a.newChunks() > 0);
            assertEquals(0, b.newChunks());
            assertEquals(a.snapshot().chunks().size(), b.dedupChunks());
            List<SnapshotSummary> list = store.list();
            assertEquals(2, list.size());
            // Everything is shared: each one's unique bytes are only its manifest.
            for (SnapshotSummary s : list) assertTrue(s.uniqueBytes() < 64 << 10, s.toString());
            Inspection in = store.inspect("b");
            assertEquals(in.distinctChunks(), in.sharedChunks());
        }
    }

    @Test
    void rmThenGcReclaimsWhatOnlyTheRemovedSnapshotUsed() throws Exception {
        BufferMemory mem = BufferMemory.whole(8 << 20);
        mem.fill(5);
        try (Store store = Store.open(dir)) {
            store.checkpoint(new byte[0], mem, Labels.named("keep"), Progress.NONE);
            BufferMemory other = BufferMemory.whole(8 << 20);
            other.fill(6);
            store.checkpoint(new byte[0], other, Labels.named("drop"), Progress.NONE);
            long before = du(dir.resolve("packs"));
            store.rm("drop");
            Gc.Result g = store.gc();
            assertTrue(g.bytesReclaimed() > 0, g.toString());
            assertTrue(du(dir.resolve("packs")) < before * 0.7);
            BufferMemory back = BufferMemory.whole(8 << 20);
            store.restore("keep", back, true, Progress.NONE);
            assertTrue(mem.sameAs(back));
            assertThrows(StoreException.class, () -> store.restore("drop", back, true, Progress.NONE));
            assertTrue(store.verify(null, Progress.NONE).clean());
        }
    }

    @Test
    void namesAndTagsResolveToTheNewestAndBadNamesAreRefused() throws Exception {
        BufferMemory mem = BufferMemory.whole(1 << 20);
        try (Store store = Store.open(dir)) {
            store.checkpoint(new byte[] {1}, mem, Labels.named("app"), Progress.NONE);
            Thread.sleep(5);
            store.checkpoint(new byte[] {2}, mem, Labels.named("app"), Progress.NONE);
            assertArrayEquals(new byte[] {2}, store.manifest("app:latest").kernelState());
            assertThrows(StoreException.class, () -> store.manifest("nope"));
            assertThrows(IllegalArgumentException.class, () -> Labels.named("../etc:x"));
            assertThrows(IllegalArgumentException.class, () -> Labels.named("a/b"));
        }
    }

    @Test
    void restoreNeverOpensTheIndexAndFollowsChunksGcMoved() throws Exception {
        BufferMemory big = BufferMemory.whole(8 << 20);
        big.fill(8);
        BufferMemory small = BufferMemory.whole(8 << 20); // big's first quarter, zero after
        small.buf.put(0, big.buf, 0, 2 << 20);
        try (Store store = Store.open(dir)) {
            store.checkpoint(new byte[] {1}, big, Labels.named("big"), Progress.NONE);
            store.checkpoint(new byte[] {2}, small, Labels.named("small"), Progress.NONE);
        }
        try (var s = Files.list(dir.resolve("index"))) {
            for (Path p : s.toList()) Files.delete(p);
        }
        try (Store store = Store.open(dir)) {
            Snapshot s = store.manifest("small"); // the Sentry's order: manifest, kernel, then memory
            BufferMemory back = BufferMemory.whole((int) s.fileSize());
            store.restoreMemory(s, back, true, Progress.NONE);
            assertTrue(small.sameAs(back));
            try (var ix = Files.list(dir.resolve("index"))) {
                assertEquals(0, ix.count(), "restore made no index file nor marker");
            }
            // Between reading the manifest and the memory, gc rewrites big's packs (a quarter
            // live) and moves small's chunks: the restore follows them.
            store.rm("big");
            Gc.Result g = store.gc();
            assertTrue(g.packsRewritten() > 0 && g.manifestsRewritten() == 1, g.toString());
            BufferMemory again = BufferMemory.whole((int) s.fileSize());
            store.restoreMemory(s, again, false, Progress.NONE);
            assertTrue(small.sameAs(again));
            assertTrue(store.verify(null, Progress.NONE).clean());
        }
    }

    @Test
    void aManifestDeclaringAHugeBodyIsRefusedBeforeAnythingIsAllocated() throws Exception {
        byte[] bomb = com.github.luben.zstd.Zstd.compress(new byte[64 << 20], 19); // 64 MiB of zeros, a few KiB
        ByteBuffer f = ByteBuffer.allocate(24 + 4 + bomb.length + 32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        f.putLong(0x50414e534f595243L).putInt(2).putInt(4).putInt(64 << 20).putInt(bomb.length).putInt(0).put(bomb);
        StoreException e = assertThrows(StoreException.class, () -> ManifestCodec.decode(f.array(), "bomb"));
        assertTrue(e.getMessage().contains("cannot hold"), e.getMessage());
    }

    static long du(Path d) throws Exception {
        try (var s = Files.list(d)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
