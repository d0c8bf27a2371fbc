package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One restore: every chunk of a manifest read from its pack, checked (record header against the
 * manifest, CRC32C of the stored bytes, decompressed length; SHA-256 of the result too if asked)
 * and written into the sink, on every core. Decompresses straight into the sink's view when it
 * offers one. Never opens the index. Any damage stops it with a {@link StoreException} naming
 * the chunk and the snapshot; the sink is then the caller's to throw away.
 */
final class SnapshotReader {
    private SnapshotReader() {}

    static void read(Packs packs, Snapshot s, MemorySink sink, boolean rehash, Progress progress) throws StoreException {
        long total = 0;
        for (ChunkRef c : s.chunks()) total += c.rawLength();
        long all = total;
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        try {
            Parallel.run("restore", s.chunks().size(), () -> new Parallel.Worker() {
                final ByteBuffer record = ByteBuffer.allocateDirect(PackRecord.HEADER + Compression.bound(s.chunkSize()));
                final ByteBuffer plain = ByteBuffer.allocateDirect(s.chunkSize());
                final ByteBuffer scratch = ByteBuffer.allocateDirect(s.chunkSize());
                final Compression zstd = new Compression();

                @Override
                public void item(int i) throws IOException {
                    chunk(s.chunks().get(i));
                }

                private void chunk(ChunkRef c) throws IOException {
                    packs.read(c, record); // positioned at the stored bytes
                    ByteBuffer view = sink.writeView(c.memOffset(), c.rawLength());
                    ByteBuffer dst = view != null ? view : plain.clear().limit(c.rawLength());
                    int p = dst.position();
                    if (rehash) {
                        ByteBuffer content = content(c, record, zstd, scratch);
                        if (!Arrays.equals(Hashes.sha256(content.duplicate()), c.hash())) {
                            throw new StoreException(c + " is damaged: its content does not match its hash");
                        }
                        dst.duplicate().put(content.slice(c.skip(), c.rawLength()));
                    } else {
                        unpack(c, record, dst, zstd, scratch);
                    }
                    if (view == null) sink.write(c.memOffset(), dst.duplicate().position(p).limit(p + c.rawLength()));
                    progress.advance(done.addAndGet(c.rawLength()), all);
                }

                @Override
                public void finish(boolean failed) {
                    zstd.close();
                }
            });
        } catch (StoreException e) {
            throw new StoreException("snapshot " + s.label() + " cannot be restored: " + e.getMessage(), e);
        } catch (IOException e) {
            throw StoreException.of("snapshot " + s.label() + " cannot be restored", e);
        }
    }

    /**
     * Puts piece {@code c}'s bytes, from its checked {@code record} (positioned at the stored
     * bytes), at {@code dst}'s position: a whole compressed chunk is decompressed in place, a
     * window is cut from its chunk's content ({@code scratch}, as large as the snapshot's chunk
     * size, holds it if compressed). {@code dst}'s position is left alone.
     */
    static void unpack(ChunkRef c, ByteBuffer record, ByteBuffer dst, Compression zstd, ByteBuffer scratch)
            throws StoreException {
        if (c.whole() && !c.raw()) {
            decompress(c, record, dst.duplicate().limit(dst.position() + c.rawLength()), zstd);
            return;
        }
        dst.duplicate().put(content(c, record, zstd, scratch).slice(c.skip(), c.rawLength()));
    }

    /** The whole content of {@code c}'s chunk: the stored bytes if raw, else decompressed into {@code scratch}. */
    static ByteBuffer content(ChunkRef c, ByteBuffer record, Compression zstd, ByteBuffer scratch) throws StoreException {
        if (c.raw()) return record.slice(record.position(), c.recordLength());
        decompress(c, record, scratch.clear().limit(c.recordLength()), zstd);
        return scratch.slice(0, c.recordLength());
    }

    private static void decompress(ChunkRef c, ByteBuffer record, ByteBuffer dst, Compression zstd) throws StoreException {
        int n;
        try {
            n = zstd.decompress(record, dst);
        } catch (RuntimeException e) {
            throw new StoreException(c + " is damaged: it does not decompress (" + e.getMessage() + ")");
        }
        if (n != c.recordLength()) throw new StoreException(c + " is damaged: it decompresses to " + n + " bytes");
    }
}
