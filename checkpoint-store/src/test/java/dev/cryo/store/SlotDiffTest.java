package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Written slots stored as the 512-byte blocks that changed (SnapshotWriter.diff, SlotDiff): the
 * issue's dedup target when the 1% changed between checkpoints is single pages scattered over the
 * memory, aligned or not (random, incompressible content: the worst case), and the pieces such
 * slots are made of through restore, verify, gc, export and import.
 */
class SlotDiffTest {
    private static final int SIZE = 32 << 20, PAGES = SIZE / TrackedMemory.PAGE;

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    /** Snapshots of {@code mem}, one per round, 1% of its pages rewritten (scattered) before each but the first. */
    private static List<String> checkpoints(Store store, TrackedMemory mem, Random r, int rounds, List<byte[]> states)
            throws Exception {
        return checkpoints(store, mem, r, rounds, states, 0);
    }

    /** As above, each page-sized write {@code shift} bytes past a page boundary. */
    private static List<String> checkpoints(Store store, TrackedMemory mem, Random r, int rounds, List<byte[]> states,
            int shift) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            if (i > 0) mem.writeScattered(PAGES / 100, r, shift);
            CheckpointResult res = store.checkpoint(new byte[4096], mem, Labels.named("app:" + i), Progress.NONE);
            assertEquals(i > 0, res.changedBlockSlots() > 0, "written slots stored as their changed blocks: " + res);
            mem.remember(res.snapshot());
            ids.add(res.snapshot().id());
            states.add(mem.sha256());
        }
        return ids;
    }

    private static byte[] restored(Store store, String id, boolean rehash) throws Exception {
        BufferMemory back = BufferMemory.whole(SIZE);
        store.restore(id, back, rehash, Progress.NONE);
        return Hashes.sha256(back.buf.duplicate().clear());
    }

    @ParameterizedTest(name = "writes {0} bytes past a page boundary")
    @ValueSource(ints = {0, 16})
    void tenCheckpointsChangingOnePercentOfPagesScatteredTakeAtMostOnePointFifteenTimesTheFirst(int shift)
            throws Exception {
        TrackedMemory mem = new TrackedMemory(SIZE);
        mem.fillRandom(1);
        List<byte[]> states = new ArrayList<>();
        try (Store store = Store.open(dir)) {
            List<String> ids = checkpoints(store, mem, new Random(2), 10, states, shift);
            List<SnapshotSummary> list = store.list();
            long first = list.get(0).storedSize();
            long total = StoreRoundTripTest.du(dir.resolve("packs")) + StoreRoundTripTest.du(dir.resolve("snapshots"));
            double ratio = (double) total / first;
            System.out.printf("scattered pages, shifted %d: first %d bytes, ten %d bytes, %.3fx%n", shift, first, total, ratio);
            assertTrue(ratio <= 1.15, "10 snapshots take " + ratio + "x the first");
            Snapshot last = store.manifest(ids.get(9));
            assertTrue(last.chunks().size() > SIZE / Store.CHUNK_SIZE, "written slots are made of pieces");
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(states.get(i), restored(store, ids.get(i), i % 2 == 0), "snapshot " + i + " restores exactly");
            }
            // The Sentry's lazy restore reads piece by piece.
            BufferMemory back = BufferMemory.whole(SIZE);
            try (OpenSnapshot open = store.openSnapshot(ids.get(9))) {
                open.check();
                for (int i = 0; i < open.snapshot().chunks().size(); i++) {
                    ChunkRef c = open.snapshot().chunks().get(i);
                    open.read(i, back.buf.slice((int) c.memOffset(), c.rawLength()));
                }
            }
            assertArrayEquals(states.get(9), Hashes.sha256(back.buf.duplicate().clear()));
            assertTrue(store.verify(null, Progress.NONE).clean());
        }
    }

    @Test
    void piecesOutliveTheSnapshotsTheyCameFromAndTravelWithTheirs() throws Exception {
        TrackedMemory mem = new TrackedMemory(SIZE);
        mem.fillRandom(3);
        List<byte[]> states = new ArrayList<>();
        Path file = elsewhere.resolve("last.cryo");
        try (Store store = Store.open(dir)) {
            List<String> ids = checkpoints(store, mem, new Random(4), 4, states);
            store.rm(ids.get(0));
            store.rm(ids.get(1));
            store.gc();
            assertArrayEquals(states.get(3), restored(store, ids.get(3), true));
            assertTrue(store.verify(null, Progress.NONE).clean());
            store.exportTo(ids.get(3), file);
        }
        try (Store other = Store.open(elsewhere.resolve("store"))) {
            Snapshot s = other.importFrom(file);
            assertArrayEquals(states.get(3), restored(other, s.id(), false));
            assertTrue(other.verify(null, Progress.NONE).clean());
        }
    }

    @Test
    void aDamagedChunkOfChangedPagesIsNamedWithTheSnapshotsUsingIt() throws Exception {
        TrackedMemory mem = new TrackedMemory(SIZE);
        mem.fillRandom(5);
        List<byte[]> states = new ArrayList<>();
        try (Store store = Store.open(dir)) {
            List<String> ids = checkpoints(store, mem, new Random(6), 3, states);
            ChunkRef pages = null;
            for (ChunkRef c : store.manifest(ids.get(1)).chunks()) {
                if (c.recordLength() < Store.CHUNK_SIZE) pages = c;
            }
            assertTrue(pages != null, "snapshot 1 has a chunk of changed blocks");
            try (FileChannel ch = FileChannel.open(dir.resolve("packs").resolve(Packs.name(pages.packId())),
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                long at = pages.packOffset() + PackRecord.HEADER + 100;
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x40)).position(0);
                ch.write(b, at);
            }
            VerifyReport report = store.verify(null, Progress.NONE);
            assertEquals(1, report.damaged().size(), report.toString());
            assertEquals(pages.hashHex(), report.damaged().get(0).hash());
            assertTrue(report.affectedSnapshots().contains(ids.get(1)));
            assertFalse(report.affectedSnapshots().contains(ids.get(0)));
            StoreException e = assertThrows(StoreException.class, () -> restored(store, ids.get(1), false));
            assertTrue(e.getMessage().contains("damaged"), e.getMessage());
            assertArrayEquals(states.get(0), restored(store, ids.get(0), false), "an unaffected snapshot still restores");
        }
    }

    @Test
    void aSlotMostlyRewrittenIsStoredWholeAndOneWrittenBackAsItWasIsReused() throws Exception {
        TrackedMemory mem = new TrackedMemory(1 << 20);
        mem.fillRandom(7);
        int slotPages = Store.CHUNK_SIZE / TrackedMemory.PAGE;
        try (Store store = Store.open(dir)) {
            Snapshot first = store.checkpoint(new byte[0], mem, Labels.named("a"), Progress.NONE).snapshot();
            mem.remember(first);
            Random r = new Random(8);
            for (int p = 0; p <= slotPages / 2; p++) mem.writePage(p, r); // slot 0: over half its pages
            mem.touch(slotPages + 3); // slot 1: written, unchanged
            mem.writePage(2 * slotPages + 5, r); // slot 2: one page
            CheckpointResult res = store.checkpoint(new byte[0], mem, Labels.named("b"), Progress.NONE);
            assertEquals(1, res.changedBlockSlots(), "slot 2 only");
            Snapshot second = res.snapshot();
            List<ChunkRef> c = second.chunks();
            assertTrue(c.get(0).whole() && c.get(0).memOffset() == 0 && !c.get(0).location().equals(first.chunks().get(0).location()));
            assertEquals(first.chunks().get(1), c.get(1), "slot 1 is its old chunk");
            List<ChunkRef> slot2 = c.subList(2, c.size() - (16 - 3));
            assertEquals(3, slot2.size(), "slot 2: old pages, the new one, old pages: " + slot2);
            assertEquals(List.of(0, 5 * 4096, 6 * 4096), List.of(slot2.get(0).skip(), slot2.get(1).skip() + 5 * 4096,
                    slot2.get(2).skip()));
            assertEquals(4096, slot2.get(1).recordLength(), "the new chunk holds only the changed page");
            BufferMemory back = BufferMemory.whole(1 << 20);
            store.restore("b", back, true, Progress.NONE);
            assertTrue(back.sameAs(mem.mem));
        }
    }

    /** A store written before pieces existed: its version 2 manifests (69-byte entries, whole chunks) still restore. */
    @Test
    void aVersionTwoManifestStillRestores() throws Exception {
        BufferMemory mem = BufferMemory.whole(2 << 20);
        mem.fill(9);
        try (Store store = Store.open(dir)) {
            String id = store.checkpoint(new byte[] {1, 2, 3}, mem, Labels.named("old"), Progress.NONE).snapshot().id();
            Path file = dir.resolve("snapshots").resolve(id + ".snap");
            Files.write(file, versionTwo(Files.readAllBytes(file)));
            BufferMemory back = BufferMemory.whole(2 << 20);
            Snapshot s = store.restore("old", back, true, Progress.NONE);
            assertTrue(back.sameAs(mem));
            assertArrayEquals(new byte[] {1, 2, 3}, s.kernelState());
            assertTrue(store.verify(null, Progress.NONE).clean());
        }
    }

    /** The same manifest as version 2 wrote it: each entry without its window's 8 bytes. */
    private static byte[] versionTwo(byte[] v3) {
        ByteBuffer in = ByteBuffer.wrap(v3).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int sumLen = in.getInt(12), bodyLen = in.getInt(16), packedLen = in.getInt(20);
        byte[] body = com.github.luben.zstd.Zstd.decompress(Arrays.copyOfRange(v3, 24 + sumLen, 24 + sumLen + packedLen), bodyLen);
        int entries = 0;
        while (ByteBuffer.wrap(body).getInt(body.length - entries * ChunkRef.BYTES - 4) != entries) entries++;
        java.io.ByteArrayOutputStream b2 = new java.io.ByteArrayOutputStream();
        int table = body.length - entries * ChunkRef.BYTES;
        b2.write(body, 0, table);
        for (int i = 0; i < entries; i++) b2.write(body, table + i * ChunkRef.BYTES, ChunkRef.BYTES - 8);
        byte[] body2 = b2.toByteArray();
        byte[] packed = new com.github.luben.zstd.ZstdCompressCtx().setChecksum(true).compress(body2);
        ByteBuffer out = ByteBuffer.allocate(24 + sumLen + packed.length + Hashes.SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putLong(in.getLong(0)).putInt(2).putInt(sumLen).putInt(body2.length).putInt(packed.length);
        out.put(v3, 24, sumLen).put(packed).put(Hashes.sha256(body2, 0, body2.length));
        return out.array();
    }
}
