package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot opened for a lazy restore: its manifest, and its chunks readable one at a time for
 * as long as it stays open, whatever happens to the store meanwhile (its packs are opened up
 * front, under the store's shared lock: a gc that deletes or rewrites them later leaves these
 * descriptors reading the old files). {@link #check} reads every record once and checks it
 * against the manifest (header, CRC32C of the stored bytes), so that a restore can refuse a
 * damaged snapshot before the program runs, then decompress chunks as they are needed.
 *
 * <p>{@link #read} may be called from several threads at once.
 */
public final class OpenSnapshot implements AutoCloseable {
    private final Snapshot snapshot;
    /** The root of the store it was opened in. */
    private final java.nio.file.Path store;
    private final Map<Long, FileChannel> packs;
    private final int maxRaw;
    private final ThreadLocal<Buffers> buffers;

    /** One thread's record buffer and decompressor. */
    private static final class Buffers {
        final ByteBuffer record;
        final Compression zstd = new Compression();
        final int chunkSize;
        /** A compressed chunk's content, for a piece that is a window of it; made on first need. */
        ByteBuffer scratch;

        Buffers(int chunkSize) {
            this.chunkSize = chunkSize;
            record = ByteBuffer.allocateDirect(PackRecord.HEADER + Compression.bound(chunkSize));
        }

        ByteBuffer scratch() {
            if (scratch == null) scratch = ByteBuffer.allocateDirect(chunkSize);
            return scratch;
        }
    }

    private OpenSnapshot(Snapshot snapshot, java.nio.file.Path store, Map<Long, FileChannel> packs, int maxRaw) {
        this.snapshot = snapshot;
        this.store = store;
        this.packs = packs;
        this.maxRaw = maxRaw;
        this.buffers = ThreadLocal.withInitial(() -> new Buffers(snapshot.chunkSize()));
    }

    /** Opens every pack {@code s} uses in the store at {@code store} (the caller holds its shared lock). */
    static OpenSnapshot open(java.nio.file.Path store, Packs packs, Snapshot s, int maxRaw) throws StoreException {
        Map<Long, FileChannel> open = new HashMap<>();
        try {
            for (ChunkRef c : s.chunks()) {
                if (open.containsKey(c.packId())) continue;
                try {
                    open.put(c.packId(), FileChannel.open(packs.path(c.packId()), StandardOpenOption.READ));
                } catch (NoSuchFileException e) {
                    throw new StoreException("snapshot " + s.label() + " cannot be restored: " + c + " is missing: pack "
                            + packs.path(c.packId()).getFileName() + " does not exist", e);
                }
            }
            return new OpenSnapshot(s, store, open, maxRaw);
        } catch (IOException e) {
            closeAll(open);
            throw StoreException.of("snapshot " + s.label() + " cannot be opened", e);
        }
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The root of the store the snapshot was opened in (as {@link Store#root()}). */
    public java.nio.file.Path store() {
        return store;
    }

    /**
     * Reads every record and checks it against the manifest, on every core; throws a
     * StoreException naming the first damaged chunk. Decompresses nothing.
     */
    public void check() throws StoreException {
        try {
            Map<Long, ByteBuffer> mapped = mapPacks();
            List<ChunkRef> records = records();
            Parallel.run("check", records.size(), () -> i -> {
                ChunkRef c = records.get(i);
                ByteBuffer pack = mapped.get(c.packId());
                if (pack == null) {
                    Packs.read(packs.get(c.packId()), c, buffers.get().record, maxRaw);
                    return;
                }
                long len = PackRecord.HEADER + (long) c.storedLength();
                if (c.storedLength() < 0 || c.packOffset() < 0 || c.packOffset() + len > pack.capacity()) {
                    throw new StoreException(c + " is damaged: its pack ends early");
                }
                Packs.check(c, pack.slice((int) c.packOffset(), (int) len), maxRaw);
            });
        } catch (StoreException e) {
            throw new StoreException("snapshot " + snapshot.label() + " cannot be restored: " + e.getMessage(), e);
        } catch (IOException e) {
            throw StoreException.of("snapshot " + snapshot.label() + " cannot be restored", e);
        } catch (InternalError e) {
            // A fault in a mapping: a pack was cut short under it (the store was tampered with).
            throw new StoreException("snapshot " + snapshot.label() + " cannot be restored: a pack changed while it was read", e);
        }
    }

    /**
     * The records to check: each chunk once where a chunk's windows make several pieces (the
     * same record as the manifest describes it: location, hash, lengths, CRC, all of them).
     */
    private List<ChunkRef> records() {
        for (ChunkRef c : snapshot.chunks()) {
            if (!c.whole()) {
                java.util.Set<ChunkRef> seen = new java.util.LinkedHashSet<>();
                for (ChunkRef p : snapshot.chunks()) seen.add(p.record().at(0));
                return new java.util.ArrayList<>(seen);
            }
        }
        return snapshot.chunks(); // whole chunks: rarely one twice, not worth a set in a fresh JVM
    }

    /**
     * The packs as read-only mappings, for {@link #check}: records are checked where they lie,
     * not copied first (a pread of each made a 200 MiB snapshot's check ~25 ms slower than a
     * directory image's, measured). A pack too large for one mapping is left out: read instead.
     */
    private Map<Long, ByteBuffer> mapPacks() throws IOException {
        Map<Long, ByteBuffer> out = new HashMap<>();
        for (Map.Entry<Long, FileChannel> e : packs.entrySet()) {
            long size = e.getValue().size();
            if (size <= Integer.MAX_VALUE) out.put(e.getKey(), e.getValue().map(FileChannel.MapMode.READ_ONLY, 0, size));
        }
        return out;
    }

    /** Puts chunk {@code i}'s content ({@code chunks().get(i).rawLength()} bytes) at {@code dst}'s position. */
    public void read(int i, ByteBuffer dst) throws StoreException {
        ChunkRef c = snapshot.chunks().get(i);
        if (dst.remaining() < c.rawLength()) throw new IllegalArgumentException("no room for " + c);
        Buffers b = buffers.get();
        Packs.read(packs.get(c.packId()), c, b.record, maxRaw);
        b.record.position(PackRecord.HEADER);
        SnapshotReader.unpack(c, b.record, dst, b.zstd, c.whole() || c.raw() ? null : b.scratch());
    }

    @Override
    public void close() {
        closeAll(packs);
    }

    private static void closeAll(Map<Long, FileChannel> open) {
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
