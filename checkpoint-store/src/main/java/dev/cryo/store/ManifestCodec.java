package dev.cryo.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A manifest's bytes. File: "CRYOSNAP", u32 version, u32 zero, u32 body length, u32 compressed
 * length, the zstd-compressed body, the body's SHA-256. Body (big-endian): id, name, tag, source,
 * parent (modified UTF-8), created, logical size, file size, chunk size, metadata, kernel-state
 * blob, chunks ({@link ChunkRef#BYTES} each). Manifests are read from other hosts (import), so
 * decoding checks every length and invariant before trusting it and says what is wrong.
 */
final class ManifestCodec {
    private static final long MAGIC = 0x50414e534f595243L; // "CRYOSNAP" read little-endian
    /**
     * 3: each chunk entry ends with the window it takes of its chunk (u32 skip, u32 the chunk's
     * length); 2, still read, had whole chunks only; 1 had no summary and is refused.
     */
    private static final int VERSION = 3, OLD_VERSION = 2;
    /** Bytes of a version 2 entry: a {@link ChunkRef#BYTES} entry without the window. */
    private static final int OLD_ENTRY = ChunkRef.BYTES - 8;
    private static final int HEADER = 24;
    /** Largest body accepted: a kernel blob of a few hundred MiB and a 1 TiB memory's chunk list fit. */
    static final int MAX_BODY = 1 << 30;
    /** Bodies up to this size may compress any amount (a kernel blob of mostly zeros). */
    private static final int SMALL_BODY = 16 << 20;
    /** Beyond it, a body is at most this many times its compressed size (real ones: under 20). */
    private static final int MAX_RATIO = 256;
    static final int MIN_CHUNK = 4096, MAX_CHUNK = 4 << 20;

    private ManifestCodec() {}

    static byte[] encode(Snapshot s) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream(256 + s.kernelState().length
                    + s.chunks().size() * ChunkRef.BYTES);
            DataOutputStream o = new DataOutputStream(bo);
            for (String str : new String[] {s.id(), s.name(), s.tag(), s.source(), s.parent()}) o.writeUTF(str);
            o.writeLong(s.created());
            o.writeLong(s.logicalSize());
            o.writeLong(s.fileSize());
            o.writeInt(s.chunkSize());
            o.writeInt(s.metadata().size());
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.metadata()).entrySet()) {
                o.writeUTF(e.getKey());
                o.writeUTF(e.getValue());
            }
            o.writeInt(s.kernelState().length);
            o.write(s.kernelState());
            o.writeInt(s.chunks().size());
            for (ChunkRef c : s.chunks()) {
                o.writeLong(c.memOffset());
                o.writeInt(c.rawLength());
                o.write(c.hash());
                o.writeLong(c.packId());
                o.writeLong(c.packOffset());
                o.writeInt(c.storedLength());
                o.writeByte(c.raw() ? 1 : 0);
                o.writeInt(c.crc());
                o.writeInt(c.skip());
                o.writeInt(c.recordLength());
            }
            o.flush();
            byte[] body = bo.toByteArray();
            if (body.length > MAX_BODY) {
                throw new IllegalArgumentException("a manifest of " + body.length + " bytes is over the limit of " + MAX_BODY);
            }
            byte[] packed;
            try (ZstdCompressCtx z = new ZstdCompressCtx()) {
                // The frame's own checksum (XXH64) lets a restore check the body as it
                // decompresses it, without SHA-256 (decode's rehash).
                packed = z.setLevel(3).setChecksum(true).compress(body);
            }
            byte[] summary = summary(s);
            ByteBuffer out = ByteBuffer.allocate(HEADER + summary.length + packed.length + Hashes.SIZE)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            out.putLong(MAGIC).putInt(VERSION).putInt(summary.length).putInt(body.length).putInt(packed.length);
            out.put(summary).put(packed).put(Hashes.sha256(body, 0, body.length));
            return out.array();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
    }

    /** The labels a name is resolved by, readable from a manifest's first bytes. */
    record Summary(String id, String name, String tag, long created) {
        /**
         * Field by field, by hand: a record's generated equals is bootstrapped through method
         * handles on first use, ~15 ms of a restore from the store (measured).
         */
        boolean sameAs(String id, String name, String tag, long created) {
            return this.id.equals(id) && this.name.equals(name) && this.tag.equals(tag) && this.created == created;
        }
    }

    /** Bytes a summary may take, header included: resolving a name reads this much of each manifest. */
    static final int SUMMARY_READ = 4096;

    private static byte[] summary(Snapshot s) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(bo);
        o.writeUTF(s.id());
        o.writeUTF(s.name());
        o.writeUTF(s.tag());
        o.writeLong(s.created());
        o.flush();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bo.toByteArray());
        o.writeInt((int) crc.getValue());
        o.flush();
        return bo.toByteArray();
    }

    /**
     * The summary at the start of a manifest ({@code prefix}: its first bytes, up to
     * {@link #SUMMARY_READ}), or null if it cannot be read: the caller then reads the whole
     * manifest, which says what is wrong. Checked by its CRC, and against the body on decode.
     */
    static Summary summary(byte[] prefix) {
        ByteBuffer in = ByteBuffer.wrap(prefix).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (prefix.length < HEADER || in.getLong(0) != MAGIC || !supported(in.getInt(8))) return null;
        int len = in.getInt(12);
        if (len < 4 || len > prefix.length - HEADER) return null;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(prefix, HEADER, len - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(prefix).getInt(HEADER + len - 4)) return null; // big-endian, as written
        try {
            DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(prefix, HEADER, len - 4));
            return new Summary(d.readUTF(), d.readUTF(), d.readUTF(), d.readLong());
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the zstd frame at {@code off} has a content checksum (RFC 8878 3.1.1.1.1: descriptor bit 2). */
    private static boolean frameChecksummed(byte[] file, int off) {
        return off + 4 < file.length && (file[off + 4] & 0x04) != 0;
    }

    /** Decodes and checks a manifest, its body against its SHA-256; {@code what} names it in errors. */
    static Snapshot decode(byte[] file, String what) throws StoreException {
        return decode(file, what, true);
    }

    /**
     * Decodes and checks a manifest. Without {@code rehash}, a body whose zstd frame carries a
     * checksum is checked by it (as it decompresses) and its SHA-256 is not computed: for the
     * store's own manifests on the restore path, where damage, not an adversary, is what is
     * checked for (as chunks are checked by CRC32C there), and SHA-256 in a fresh JVM costs its
     * security providers' start-up too. What comes from elsewhere (import) and verify rehash.
     */
    static Snapshot decode(byte[] file, String what, boolean rehash) throws StoreException {
        ByteBuffer in = ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (file.length < HEADER + Hashes.SIZE || in.getLong(0) != MAGIC) {
            throw new StoreException(what + ": not a snapshot manifest");
        }
        int version = in.getInt(8);
        if (!supported(version)) throw new StoreException(what + ": manifest version " + version + " is not supported");
        int sumLen = in.getInt(12), bodyLen = in.getInt(16), packedLen = in.getInt(20);
        if (sumLen < 4 || sumLen > SUMMARY_READ - HEADER || bodyLen < 0 || bodyLen > MAX_BODY || packedLen < 0
                || (long) packedLen != (long) file.length - HEADER - sumLen - Hashes.SIZE) {
            throw new StoreException(what + ": manifest lengths are wrong (truncated or damaged)");
        }
        // A hostile manifest could declare a huge body behind a few bytes of zstd (a bomb): the
        // body may not be more than MAX_RATIO times what carries it, nor other than its frame says.
        if ((long) bodyLen > SMALL_BODY + (long) MAX_RATIO * packedLen
                || Zstd.getFrameContentSize(file, HEADER + sumLen, packedLen) != bodyLen) {
            throw new StoreException(what + ": manifest declares a body of " + bodyLen + " bytes its data cannot hold");
        }
        byte[] body = new byte[bodyLen];
        try {
            long n = Zstd.decompressByteArray(body, 0, bodyLen, file, HEADER + sumLen, packedLen);
            if (n != bodyLen) throw new StoreException(what + ": manifest body is " + n + " bytes, not " + bodyLen);
        } catch (ZstdException e) {
            throw new StoreException(what + ": manifest body does not decompress (damaged)", e);
        }
        if ((rehash || !frameChecksummed(file, HEADER + sumLen))
                && !Arrays.equals(Hashes.sha256(body, 0, bodyLen), Arrays.copyOfRange(file, file.length - Hashes.SIZE, file.length))) {
            throw new StoreException(what + ": manifest fails its checksum (damaged)");
        }
        Snapshot s;
        try {
            s = parse(body, version == VERSION ? ChunkRef.BYTES : OLD_ENTRY);
        } catch (EOFException e) {
            throw new StoreException(what + ": manifest body ends early", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreException(what + ": manifest is not valid: " + e.getMessage(), e);
        }
        Summary sum = summary(Arrays.copyOf(file, Math.min(file.length, HEADER + sumLen)));
        if (sum == null || !sum.sameAs(s.id(), s.name(), s.tag(), s.created())) {
            throw new StoreException(what + ": manifest summary does not match its body (damaged)");
        }
        return s;
    }

    private static boolean supported(int version) {
        return version == VERSION || version == OLD_VERSION;
    }

    private static Snapshot parse(byte[] body, int entry) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
        String id = in.readUTF(), name = in.readUTF(), tag = in.readUTF(), source = in.readUTF(), parent = in.readUTF();
        check(Snapshot.ID.matcher(id).matches(), "id '" + id + "'");
        Snapshot.checkName("name", name);
        Snapshot.checkName("tag", tag);
        check(parent.isEmpty() || Snapshot.ID.matcher(parent).matches(), "parent '" + parent + "'");
        long created = in.readLong(), logical = in.readLong(), fileSize = in.readLong();
        int chunkSize = in.readInt();
        check(logical >= 0 && fileSize >= 0 && logical <= fileSize && fileSize <= (1L << 50), "sizes");
        check(chunkSize >= MIN_CHUNK && chunkSize <= MAX_CHUNK && Integer.bitCount(chunkSize) == 1, "chunk size " + chunkSize);
        int nMeta = in.readInt();
        check(nMeta >= 0 && nMeta <= 1024, "metadata count " + nMeta);
        Map<String, String> meta = new LinkedHashMap<>();
        for (int i = 0; i < nMeta; i++) meta.put(in.readUTF(), in.readUTF());
        int kLen = in.readInt();
        check(kLen >= 0 && kLen <= in.available(), "kernel state length " + kLen);
        byte[] kernel = in.readNBytes(kLen);
        int n = in.readInt();
        check(n >= 0 && (long) n * entry == in.available(), "chunk count " + n);
        // The chunk table, the bulk of a manifest (77 bytes a chunk, 3,200 for 200 MiB), read
        // with absolute gets: through the stream it took ~7 ms of a restore in a fresh JVM.
        ByteBuffer t = ByteBuffer.wrap(body, body.length - in.available(), n * entry).slice();
        List<ChunkRef> chunks = new ArrayList<>(n);
        long prevEnd = 0;
        int bound = Compression.bound(chunkSize);
        for (int i = 0, at = 0; i < n; i++, at += entry) {
            long mem = t.getLong(at);
            int rawLen = t.getInt(at + 8);
            byte[] hash = new byte[Hashes.SIZE];
            t.get(at + 12, hash);
            long pack = t.getLong(at + 12 + Hashes.SIZE), off = t.getLong(at + 20 + Hashes.SIZE);
            int stored = t.getInt(at + 28 + Hashes.SIZE);
            int raw = t.get(at + 32 + Hashes.SIZE);
            int crc = t.getInt(at + 33 + Hashes.SIZE);
            boolean window = entry == ChunkRef.BYTES;
            int skip = window ? t.getInt(at + 37 + Hashes.SIZE) : 0;
            int recLen = window ? t.getInt(at + 41 + Hashes.SIZE) : rawLen;
            // Messages made only on failure: a string built per chunk was most of this loop.
            if (!(mem >= prevEnd && mem % SlotDiff.BLOCK == 0 && rawLen > 0 && rawLen % SlotDiff.BLOCK == 0
                    && rawLen <= chunkSize && mem + rawLen <= fileSize)) {
                check(false, "chunk " + i + " memory range");
            }
            if (!(recLen > 0 && recLen <= chunkSize && skip >= 0 && skip <= recLen - rawLen)) {
                check(false, "chunk " + i + " window");
            }
            if (raw != 0 && raw != 1) check(false, "chunk " + i + " flags");
            if (!(stored > 0 && stored <= bound && (raw == 0 || stored == recLen) && off >= PackRecord.FILE_HEADER)) {
                check(false, "chunk " + i + " stored length or location");
            }
            chunks.add(new ChunkRef(mem, rawLen, hash, pack, off, stored, raw == 1, crc, skip, recLen));
            prevEnd = mem + rawLen;
        }
        return new Snapshot(id, name, tag, source, parent, created, logical, fileSize, chunkSize, meta, kernel, chunks);
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalArgumentException("bad " + what);
    }
}
