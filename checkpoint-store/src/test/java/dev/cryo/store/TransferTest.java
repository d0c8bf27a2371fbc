package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export and import: a round trip between two stores, and hostile files (bad lengths, wrong
 * hashes, huge declared sizes, path tricks) refused without committing anything or writing
 * anywhere but the store.
 */
class TransferTest {
    @TempDir
    Path dir;
    private BufferMemory mem;
    private Path exported;
    private Snapshot original;

    @BeforeEach
    void export() throws Exception {
        mem = BufferMemory.whole(4 << 20);
        mem.fill(31);
        try (Store a = Store.open(dir.resolve("a"))) {
            original = a.checkpoint("kernel".getBytes(), mem, Labels.named("app:v2").withSource("sb")
                    .withMetadata(Map.of("k", "v")), Progress.NONE).snapshot();
            exported = dir.resolve("app.cryo");
            a.exportTo("app:v2", exported);
        }
    }

    @Test
    void anExportedSnapshotImportsIntoAnotherStoreAndRestores() throws Exception {
        try (Store b = Store.open(dir.resolve("b"))) {
            Snapshot s = b.importFrom(exported);
            assertEquals(original.id(), s.id());
            assertEquals("app:v2", s.label());
            BufferMemory back = BufferMemory.whole(4 << 20);
            Snapshot r = b.restore("app:v2", back, true, Progress.NONE);
            assertTrue(mem.sameAs(back));
            assertArrayEquals("kernel".getBytes(), r.kernelState());
            assertEquals("v", r.metadata().get("k"));
            assertTrue(b.verify(null, Progress.NONE).clean());
            StoreException again = assertThrows(StoreException.class, () -> b.importFrom(exported));
            assertTrue(again.getMessage().contains("already in the store"), again.getMessage());
            // A second snapshot sharing its chunks imports by reference: no new pack bytes.
            mem.change(5, 1, 4);
        }
        try (Store a = Store.open(dir.resolve("a"))) {
            a.checkpoint(new byte[0], mem, Labels.named("app:v3"), Progress.NONE);
            a.exportTo("app:v3", dir.resolve("v3.cryo"));
        }
        try (Store b = Store.open(dir.resolve("b"))) {
            long before = StoreRoundTripTest.du(dir.resolve("b/packs"));
            b.importFrom(dir.resolve("v3.cryo"));
            assertTrue(StoreRoundTripTest.du(dir.resolve("b/packs")) - before < 256 << 10);
            BufferMemory back = BufferMemory.whole(4 << 20);
            b.restore("app:v3", back, true, Progress.NONE);
            assertTrue(mem.sameAs(back));
        }
    }

    /** Imports {@code bytes} into a fresh store and checks it is refused, leaving the store empty. */
    private void refused(byte[] bytes, String expect) throws Exception {
        Path f = dir.resolve("hostile.cryo");
        Files.write(f, bytes);
        Path root = dir.resolve("b");
        Set<String> around = names(dir);
        try (Store b = Store.open(root)) {
            StoreException e = assertThrows(StoreException.class, () -> b.importFrom(f));
            assertTrue(e.getMessage().contains(expect), "expected '" + expect + "' in: " + e.getMessage());
            assertEquals(List.of(), b.list());
        }
        assertEquals(Set.of(), names(root.resolve("packs")), "nothing left in the packs");
        assertEquals(Set.of(), names(root.resolve("snapshots")));
        assertEquals(Set.of(), names(root.resolve("tmp")));
        Set<String> now = names(dir);
        now.remove("b");
        around.remove("b");
        assertEquals(around, now, "nothing written beside the store");
    }

    private static Set<String> names(Path d) throws Exception {
        if (!Files.exists(d)) return new java.util.HashSet<>();
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Builds an export file from parts, with a correct trailer. */
    private static byte[] build(byte[] manifest, long declaredManifestLength, int declaredRecords, List<byte[]> records)
            throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(bo);
        o.writeLong(0x43525952_4f455850L);
        o.writeInt(1);
        o.writeInt(0);
        o.writeLong(declaredManifestLength);
        o.write(manifest);
        o.writeInt(declaredRecords);
        for (byte[] r : records) o.write(r);
        byte[] body = bo.toByteArray();
        bo.write(Hashes.sha256(body, 0, body.length));
        return bo.toByteArray();
    }

    /** A pack record holding {@code content} (raw) under {@code hash}. */
    private static byte[] record(byte[] hash, byte[] content) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content);
        ByteBuffer h = ByteBuffer.allocate(PackRecord.HEADER);
        PackRecord.header(h, true, content.length, content.length, hash, (int) crc.getValue());
        byte[] out = new byte[PackRecord.HEADER + content.length];
        h.get(out, 0, PackRecord.HEADER);
        System.arraycopy(content, 0, out, PackRecord.HEADER, content.length);
        return out;
    }

    private static Snapshot tiny(String id, String name, long memOffset, byte[] content) {
        byte[] hash = Hashes.sha256(content, 0, content.length);
        return new Snapshot(id, name, "latest", "", "", 1, 65536, 1 << 20, Store.CHUNK_SIZE, Map.of(), new byte[0],
                List.of(new ChunkRef(memOffset, content.length, hash, 1, 24, content.length, true, 0)));
    }

    @Test
    void aWellFormedHandMadeFileImports() throws Exception {
        byte[] content = new byte[4096];
        content[9] = 1;
        Snapshot s = tiny("0123456789abcdef01234567", "hand", 0, content);
        byte[] m = ManifestCodec.encode(s);
        Path f = dir.resolve("hand.cryo");
        Files.write(f, build(m, m.length, 1, List.of(record(s.chunks().get(0).hash(), content))));
        try (Store b = Store.open(dir.resolve("b"))) {
            b.importFrom(f);
            BufferMemory back = BufferMemory.whole(1 << 20);
            b.restore("hand", back, true, Progress.NONE);
            assertEquals(1, back.buf.get(9));
        }
    }

    @Test
    void hostileFilesAreRefusedAndLeaveNothingBehind() throws Exception {
        byte[] good = Files.readAllBytes(exported);
        refused(new byte[0], "ends early");
        refused("not an export at all, just text".getBytes(), "not a Cryo export file");
        refused(Arrays.copyOf(good, good.length / 2), "ends early");
        refused(Arrays.copyOf(good, good.length - 1), "ends early");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        refused(longer, "data after the end");
        byte[] flipped = good.clone();
        flipped[flipped.length - 100] ^= 1; // inside the last record's stored bytes
        refused(flipped, "record");
        byte[] trailer = good.clone();
        trailer[trailer.length - 1] ^= 1;
        refused(trailer, "checksum does not match");
        ByteBuffer huge = ByteBuffer.wrap(good.clone());
        huge.putLong(16, 1L << 40);
        refused(huge.array(), "manifest length");
        long mLen = ByteBuffer.wrap(good).getLong(16);
        ByteBuffer count = ByteBuffer.wrap(good.clone());
        count.putInt((int) (24 + mLen), Integer.MAX_VALUE);
        refused(count.array(), "record count");

        byte[] content = new byte[4096];
        content[0] = 5;
        byte[] other = new byte[4096];
        other[0] = 6;
        Snapshot s = tiny("0123456789abcdef01234567", "x", 0, content);
        byte[] m = ManifestCodec.encode(s);
        // Wrong hash: the record claims the chunk's hash over other bytes (its CRCs are right).
        refused(build(m, m.length, 1, List.of(record(s.chunks().get(0).hash(), other))), "does not match its hash");
        // A record the manifest does not need.
        refused(build(m, m.length, 1, List.of(record(Hashes.sha256(other, 0, 4096), other))), "not a chunk the manifest needs");
        // A chunk in neither the file nor the store.
        refused(build(m, m.length, 0, List.of()), "neither in the file nor in the store");
        // Path tricks and impossible manifests.
        for (Snapshot bad : List.of(tiny("../../../../tmp/evil00000", "x", 0, content), tiny("0123456789abcdef01234567",
                "../../etc/passwd", 0, content), tiny("0123456789abcdef01234567", "x", 1 << 20, content),
                tiny("0123456789abcdef01234567", "x", 4095, content))) {
            byte[] bm = ManifestCodec.encode(bad);
            refused(build(bm, bm.length, 1, List.of(record(bad.chunks().get(0).hash(), content))), "manifest is not valid");
        }
        // A record header declaring a huge stored length.
        byte[] rec = record(s.chunks().get(0).hash(), content);
        ByteBuffer.wrap(rec).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(12, Integer.MAX_VALUE);
        refused(build(m, m.length, 1, new ArrayList<>(List.of(rec))), "bad header");
    }
}
