package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flipped byte in a pack: verify names the damaged chunks and the snapshots using them;
 * restoring an affected snapshot fails with a clear error; the others still restore.
 */
class DamageTest {
    @TempDir
    Path dir;

    private static void flip(Path pack, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
    }

    /** The first chunk of {@code label} no other snapshot uses (or that all use, if {@code shared}). */
    private static Inspection.Chunk pick(Store store, String label, boolean shared) throws Exception {
        for (Inspection.Chunk c : store.inspect(label).chunks()) {
            if ((c.otherSnapshots() > 0) == shared) return c;
        }
        throw new AssertionError("no such chunk in " + label);
    }

    /** The Sentry's restore path: an opened snapshot checks every record, in place, before anything runs. */
    @Test
    void anOpenedSnapshotsCheckFindsAFlippedByteAndACutPack() throws Exception {
        BufferMemory a = BufferMemory.whole(4 << 20);
        a.fill(21);
        BufferMemory b = BufferMemory.whole(4 << 20);
        b.fill(22);
        try (Store store = Store.open(dir)) {
            store.checkpoint(new byte[0], a, Labels.named("a"), Progress.NONE);
            try (OpenSnapshot open = store.openSnapshot("a")) {
                open.check();
            }
            Inspection.Chunk chunk = store.inspect("a").chunks().get(3);
            flip(dir.resolve("packs").resolve(chunk.pack()), chunk.packOffset() + PackRecord.HEADER + 5);
            try (OpenSnapshot open = store.openSnapshot("a")) {
                StoreException e = assertThrows(StoreException.class, open::check);
                assertTrue(e.getMessage().contains("fail their checksum"), e.getMessage());
            }

            store.checkpoint(new byte[0], b, Labels.named("b"), Progress.NONE);
            Inspection.Chunk last = store.inspect("b").chunks().get(store.inspect("b").chunks().size() - 1);
            try (OpenSnapshot open = store.openSnapshot("b")) {
                try (RandomAccessFile f = new RandomAccessFile(dir.resolve("packs").resolve(last.pack()).toFile(), "rw")) {
                    f.setLength(last.packOffset() + PackRecord.HEADER + last.storedLength() / 2);
                }
                StoreException e = assertThrows(StoreException.class, open::check);
                assertTrue(e.getMessage().contains("ends early"), e.getMessage());
            }
        }
    }

    @Test
    void verifyNamesTheDamagedChunksAndTheirSnapshotsAndOnlyThoseFailToRestore() throws Exception {
        BufferMemory a = BufferMemory.whole(8 << 20);
        a.fill(11);
        BufferMemory b = BufferMemory.whole(8 << 20);
        b.fill(11);
        b.change(12, 3, 40);
        BufferMemory c = BufferMemory.whole(4 << 20);
        c.fill(13);
        try (Store store = Store.open(dir)) {
            String ida = store.checkpoint(new byte[0], a, Labels.named("a"), Progress.NONE).snapshot().id();
            String idb = store.checkpoint(new byte[0], b, Labels.named("b"), Progress.NONE).snapshot().id();
            String idc = store.checkpoint(new byte[0], c, Labels.named("c"), Progress.NONE).snapshot().id();
            assertTrue(store.verify(null, Progress.NONE).clean());

            Inspection.Chunk onlyB = pick(store, "b", false);
            Inspection.Chunk shared = pick(store, "b", true);
            flip(dir.resolve("packs").resolve(onlyB.pack()), onlyB.packOffset() + PackRecord.HEADER + 7);
            flip(dir.resolve("packs").resolve(shared.pack()), shared.packOffset() + PackRecord.HEADER + shared.storedLength() - 1);

            VerifyReport r = store.verify(null, Progress.NONE);
            assertFalse(r.clean());
            assertEquals(2, r.damaged().size(), r.toString());
            for (VerifyReport.Damage d : r.damaged()) {
                if (d.hash().equals(onlyB.hash())) {
                    assertEquals(List.of(idb), d.snapshots());
                } else {
                    assertEquals(shared.hash(), d.hash());
                    assertEquals(Set.of(ida, idb), Set.copyOf(d.snapshots()));
                }
                assertTrue(d.reason().contains("damaged"), d.reason());
            }
            assertEquals(Set.of(ida, idb), r.affectedSnapshots());
            assertTrue(store.verify("c", Progress.NONE).clean(), "verify of one snapshot looks at its chunks only");

            BufferMemory back = BufferMemory.whole(8 << 20);
            StoreException e = assertThrows(StoreException.class, () -> store.restore("b", back, false, Progress.NONE));
            assertTrue(e.getMessage().contains("snapshot b:latest cannot be restored")
                    && e.getMessage().contains("is damaged"), e.getMessage());
            assertThrows(StoreException.class, () -> store.restore(ida, back, false, Progress.NONE));
            BufferMemory backC = BufferMemory.whole(4 << 20);
            store.restore(idc, backC, true, Progress.NONE);
            assertTrue(c.sameAs(backC));
        }
    }

    @Test
    void aDamagedManifestIsNamedAndOthersStillWork() throws Exception {
        BufferMemory a = BufferMemory.whole(2 << 20);
        a.fill(21);
        try (Store store = Store.open(dir)) {
            String ida = store.checkpoint(new byte[0], a, Labels.named("a"), Progress.NONE).snapshot().id();
            String idb = store.checkpoint(new byte[0], a, Labels.named("b"), Progress.NONE).snapshot().id();
            Path m = dir.resolve("snapshots").resolve(ida + ".snap");
            flip(m, Files.size(m) / 2);
            VerifyReport r = store.verify(null, Progress.NONE);
            assertEquals(Set.of(ida), r.damagedManifests().keySet());
            assertTrue(r.damagedManifests().get(ida).contains("damaged"), r.damagedManifests().toString());
            assertThrows(StoreException.class, () -> store.restore(ida, BufferMemory.whole(2 << 20), false, Progress.NONE));
            store.restore(idb, BufferMemory.whole(2 << 20), true, Progress.NONE);
            StoreException gc = assertThrows(StoreException.class, store::gc);
            assertTrue(gc.getMessage().contains("gc refused"), gc.getMessage());
            assertEquals(1, store.list().size());
        }
    }
    @Test
    void aRestoreChecksAManifestByItsFrameChecksumAndVerifyByItsSha256() throws Exception {
        BufferMemory a = BufferMemory.whole(1 << 20);
        a.fill(5);
        try (Store store = Store.open(dir)) {
            String id = store.checkpoint(new byte[0], a, Labels.named("a"), Progress.NONE).snapshot().id();
            Path m = dir.resolve("snapshots").resolve(id + ".snap");
            flip(m, Files.size(m) - 1); // the SHA-256 trailer: the body itself is intact
            BufferMemory back = BufferMemory.whole(1 << 20);
            store.restore(id, back, false, Progress.NONE);
            assertTrue(a.sameAs(back), "the body checked by zstd's checksum restores");
            VerifyReport r = store.verify(null, Progress.NONE);
            assertEquals(Set.of(id), r.damagedManifests().keySet(), "verify rehashes the body");
        }
    }

    @Test
    void aManifestWithoutAFrameChecksumIsCheckedBySha256() throws Exception {
        BufferMemory a = BufferMemory.whole(1 << 20);
        a.fill(6);
        try (Store store = Store.open(dir)) {
            Snapshot s = store.checkpoint(new byte[16], a, Labels.named("a"), Progress.NONE).snapshot();
            byte[] file = ManifestCodec.encode(s);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int header = 24, sumLen = in.getInt(12), bodyLen = in.getInt(16), packedLen = in.getInt(20);
            byte[] body = com.github.luben.zstd.Zstd.decompress(java.util.Arrays.copyOfRange(file, header + sumLen,
                    header + sumLen + packedLen), bodyLen);
            byte[] plain = com.github.luben.zstd.Zstd.compress(body, 3); // as manifests were written before
            java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(header + sumLen + plain.length + Hashes.SIZE)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            out.put(file, 0, header + sumLen).putInt(20, plain.length).put(plain)
                    .put(file, file.length - Hashes.SIZE, Hashes.SIZE);
            byte[] old = out.array();
            assertEquals(s.id(), ManifestCodec.decode(old, "old", false).id());
            old[old.length - 1] ^= 1;
            StoreException e = assertThrows(StoreException.class, () -> ManifestCodec.decode(old, "old", false));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }
}
