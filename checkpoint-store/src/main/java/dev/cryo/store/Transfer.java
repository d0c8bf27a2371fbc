package dev.cryo.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Export and import: one snapshot and every chunk it uses in one self-contained file, the unit
 * for moving a snapshot to another host. Layout (big-endian):
 * <pre>
 * "CRYOEXPT" u32 version u32 0 | u64 manifest length, manifest ({@link ManifestCodec})
 * | u32 record count, that many pack records ({@link PackRecord}), one per distinct chunk
 * | SHA-256 of everything before
 * </pre>
 * An import file is hostile until proven otherwise: every length is bounded before anything is
 * allocated, every chunk is decompressed and rehashed, the trailer hash must match, the manifest
 * must be fully covered; nothing in it is used as a path. Chunks go to a new pack, which is
 * deleted if anything is wrong; the manifest is committed last.
 */
final class Transfer {
    private static final long MAGIC = 0x43525952_4f455850L; // "CRYOEXPT" as a big-endian long
    private static final int VERSION = 1;

    private Transfer() {}

    static void export(StoreLayout layout, Snapshot s, Path file) throws StoreException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try {
            MessageDigest md = Hashes.newDigest();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream fo = java.nio.channels.Channels.newOutputStream(ch)) {
                DataOutputStream out = new DataOutputStream(new DigestOutputStream(new BufferedOutputStream(fo, 1 << 20), md));
                byte[] manifest = ManifestCodec.encode(s);
                out.writeLong(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(0);
                out.writeLong(manifest.length);
                out.write(manifest);
                Map<SnapshotWriter.Key, ChunkRef> byHash = new LinkedHashMap<>();
                for (ChunkRef c : s.chunks()) byHash.putIfAbsent(new SnapshotWriter.Key(c.hash()), c);
                out.writeInt(byHash.size());
                ByteBuffer rec = ByteBuffer.allocate(PackRecord.HEADER + Compression.bound(s.chunkSize()));
                for (ChunkRef c : byHash.values()) {
                    layout.packs().read(c, rec);
                    out.write(rec.array(), 0, rec.limit());
                }
                out.flush();
                fo.write(md.digest());
                fo.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Durable.syncDir(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort; the message below is what matters
            }
            throw StoreException.of("export of " + s.label() + " to " + file, e);
        }
    }

    /** Opens the index once the number of chunks to add is known. */
    interface IndexOpener {
        ChunkIndex open(long adding) throws IOException;
    }

    static Snapshot importFile(StoreLayout layout, IndexOpener indexes, Path file) throws StoreException {
        String what = "import of " + file;
        Packs.Writer pack = null;
        boolean ok = false;
        try (InputStream fi = Files.newInputStream(file)) {
            long fileSize = Files.size(file);
            MessageDigest md = Hashes.newDigest();
            DigestInputStream digesting = new DigestInputStream(new BufferedInputStream(fi, 1 << 20), md);
            DataInputStream in = new DataInputStream(digesting);
            if (in.readLong() != MAGIC) throw new StoreException(what + ": not a Cryo export file");
            int version = in.readInt();
            if (version != VERSION) throw new StoreException(what + ": export format version " + version + " is not supported");
            in.readInt();
            long mLen = in.readLong();
            if (mLen <= 0 || mLen > Math.min(fileSize, ManifestCodec.MAX_BODY + 1024L)) {
                throw new StoreException(what + ": manifest length " + mLen + " is impossible");
            }
            Snapshot s = ManifestCodec.decode(in.readNBytes((int) mLen), what);
            if (Files.exists(layout.manifests().path(s.id()))) {
                throw new StoreException(what + ": snapshot " + s.id() + " (" + s.label() + ") is already in the store");
            }
            Map<SnapshotWriter.Key, Integer> rawLengths = new HashMap<>();
            for (ChunkRef c : s.chunks()) {
                Integer prev = rawLengths.putIfAbsent(new SnapshotWriter.Key(c.hash()), c.recordLength());
                if (prev != null && prev != c.recordLength()) throw new StoreException(what + ": one hash with two lengths");
            }
            int n = in.readInt();
            if (n < 0 || n > rawLengths.size()) throw new StoreException(what + ": record count " + n + " is impossible");
            Map<SnapshotWriter.Key, ChunkRef> placed = new HashMap<>();
            {
                ChunkIndex index = indexes.open(n); // the store's, kept open
                ByteBuffer rec = ByteBuffer.allocateDirect(PackRecord.HEADER + Compression.bound(s.chunkSize()));
                ByteBuffer plain = ByteBuffer.allocateDirect(s.chunkSize());
                byte[] buf = new byte[rec.capacity()];
                Compression zstd = new Compression();
                List<ChunkRef> added = new ArrayList<>();
                try {
                    for (int i = 0; i < n; i++) {
                        in.readFully(buf, 0, PackRecord.HEADER);
                        PackRecord.Header h = PackRecord.parse(ByteBuffer.wrap(buf, 0, PackRecord.HEADER), s.chunkSize());
                        if (h == null) throw new StoreException(what + ": record " + i + " has a bad header");
                        SnapshotWriter.Key key = new SnapshotWriter.Key(h.hash());
                        Integer len = rawLengths.get(key);
                        if (len == null || len != h.rawLength() || placed.containsKey(key)) {
                            throw new StoreException(what + ": record " + i + " is not a chunk the manifest needs");
                        }
                        in.readFully(buf, PackRecord.HEADER, h.storedLength());
                        rec.clear().put(buf, 0, PackRecord.HEADER + h.storedLength()).flip();
                        checkContent(rec, h, plain, zstd, what + ": record " + i);
                        ChunkRef known = index.get(h.hash());
                        if (known != null && known.rawLength() == h.rawLength() && layout.packs().holds(known)) {
                            placed.put(key, known);
                            continue;
                        }
                        if (pack == null) pack = layout.packs().create();
                        long at = pack.append(rec.position(0), ByteBuffer.allocate(0));
                        ChunkRef c = new ChunkRef(0, h.rawLength(), h.hash(), pack.id, at, h.storedLength(), h.raw(), h.crc());
                        placed.put(key, c);
                        added.add(c);
                    }
                } finally {
                    zstd.close();
                }
                byte[] expected = md.digest();
                digesting.on(false); // the trailer is not part of what it sums
                byte[] trailer = new byte[Hashes.SIZE];
                in.readFully(trailer);
                if (in.read() >= 0) throw new StoreException(what + ": data after the end of the export");
                if (!Arrays.equals(expected, trailer)) throw new StoreException(what + ": the file's checksum does not match (damaged or altered)");
                List<ChunkRef> chunks = new ArrayList<>(s.chunks().size());
                for (ChunkRef c : s.chunks()) {
                    ChunkRef p = placed.get(new SnapshotWriter.Key(c.hash()));
                    if (p == null) {
                        ChunkRef known = index.get(c.hash());
                        if (known == null || known.rawLength() != c.recordLength() || !layout.packs().holds(known)) {
                            throw new StoreException(what + ": chunk " + c.hashHex() + " is neither in the file nor in the store");
                        }
                        p = known;
                    }
                    chunks.add(c.from(p));
                }
                if (pack != null) {
                    pack.sync();
                    pack.close();
                    Durable.syncDir(layout.packsDir());
                }
                Snapshot mine = s.withChunks(chunks);
                layout.manifests().write(mine);
                ok = true;
                index.putAll(added);
                return mine;
            }
        } catch (EOFException e) {
            throw new StoreException(what + ": the file ends early (truncated)", e);
        } catch (IOException e) {
            throw StoreException.of(what, e);
        } finally {
            if (!ok && pack != null) {
                try {
                    pack.close();
                    Files.deleteIfExists(layout.packs().path(pack.id));
                } catch (IOException ignored) {
                    // gc removes packs no manifest uses
                }
            }
        }
    }

    /** Decompresses and rehashes one imported record (at {@code rec}, flipped); throws unless it is what its header says. */
    private static void checkContent(ByteBuffer rec, PackRecord.Header h, ByteBuffer plain, Compression zstd, String what)
            throws StoreException {
        ByteBuffer data = rec.duplicate().position(PackRecord.HEADER);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data.duplicate());
        if ((int) crc.getValue() != h.crc()) throw new StoreException(what + ": stored bytes fail their checksum");
        ByteBuffer out = data;
        if (!h.raw()) {
            out = plain.clear().limit(h.rawLength());
            try {
                if (zstd.decompress(data, out) != h.rawLength()) throw new StoreException(what + ": wrong decompressed length");
            } catch (RuntimeException e) {
                throw new StoreException(what + ": does not decompress", e);
            }
        }
        if (!Arrays.equals(Hashes.sha256(out), h.hash())) throw new StoreException(what + ": content does not match its hash");
    }
}
