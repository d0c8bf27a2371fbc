package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * One checkpoint into the store. The memory file is cut into chunks at multiples of the chunk
 * size (so the same page at the same offset in two sandboxes lands in the same chunk); on every
 * core a worker takes the next chunk, skips it if zero, hashes it, and either finds it stored
 * already (the index, or another worker this checkpoint) or compresses it and appends it to its
 * own pack. Then every pack is synced, and only then the manifest is committed
 * ({@link Manifests#write}): a crash before leaves packs no manifest names, which gc removes.
 * Runs under the store's exclusive lock.
 */
final class SnapshotWriter {
    /** A pack is closed and a new one started past this size, so gc can reclaim space pack by pack. */
    static final long MAX_PACK = 1L << 30;

    private final StoreLayout layout;
    private final ChunkIndex index;
    private final Set<Long> packsAtStart;
    private final int chunkSize;
    /** Chunks first met in this checkpoint: hash to where its one copy goes. */
    private final ConcurrentHashMap<Key, CompletableFuture<ChunkRef>> fresh = new ConcurrentHashMap<>();
    /** Packs this checkpoint made: deleted if it fails. */
    private final List<Packs.Writer> made = Collections.synchronizedList(new ArrayList<>());
    /** Made for the first pack written through the page cache (none where direct writes work). */
    private Writeback writeback;
    /** Writes the workers' staged packs while they go on hashing and compressing. */
    private final ExecutorService io = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cryo-store-pack-io");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong zero = new AtomicLong(), dedup = new AtomicLong(), added = new AtomicLong(),
            addedBytes = new AtomicLong(), done = new AtomicLong(), unchanged = new AtomicLong();

    SnapshotWriter(StoreLayout layout, ChunkIndex index, int chunkSize) throws IOException {
        this.layout = layout;
        this.index = index;
        this.packsAtStart = layout.packs().ids();
        this.chunkSize = chunkSize;
    }

    /** Chunk slots: [offset, length] pairs, cut at multiples of the chunk size. */
    private List<long[]> slots(MemorySource mem) {
        List<long[]> out = new ArrayList<>();
        long prevEnd = 0;
        for (Range r : mem.ranges()) {
            if (r.offset() < prevEnd || r.end() > mem.size()) {
                throw new IllegalArgumentException("memory ranges overlap, are out of order or pass the file's end: " + r);
            }
            prevEnd = r.end();
            for (long p = r.offset(); p < r.end(); ) {
                long next = Math.min(r.end(), (p / chunkSize + 1) * chunkSize);
                out.add(new long[] {p, next - p});
                p = next;
            }
        }
        return out;
    }

    CheckpointResult write(byte[] kernelState, MemorySource mem, Labels labels, Progress progress) throws IOException {
        long t0 = System.nanoTime();
        List<long[]> slots = slots(mem);
        ChunkRef[] out = new ChunkRef[slots.size()];
        long logical = 0;
        for (Range r : mem.ranges()) logical += r.length();
        long total = logical;
        boolean ok = false;
        try {
            if (kernelState.length > ManifestCodec.MAX_BODY / 2) {
                throw new StoreException("a kernel state of " + kernelState.length + " bytes is over the store's limit");
            }
            Parallel.run("checkpoint", slots.size(), () -> new Worker(mem, slots, out, progress, total));
            List<ChunkRef> chunks = new ArrayList<>(out.length);
            for (ChunkRef c : out) if (c != null) chunks.add(c);
            Durable.syncDir(layout.packsDir()); // the new packs' names, before a manifest names them
            Snapshot s = new Snapshot(Ids.fresh(), labels.name(), labels.tag(), labels.source(), labels.parent(),
                    System.currentTimeMillis(), logical, mem.size(), chunkSize, labels.metadata(), kernelState, chunks);
            layout.manifests().write(s); // the commit
            ok = true;
            List<ChunkRef> newOnes = new ArrayList<>();
            for (CompletableFuture<ChunkRef> f : fresh.values()) newOnes.add(f.join());
            index.putAll(newOnes);
            List<java.nio.file.Path> staged = new ArrayList<>();
            for (Packs.Writer w : made) if (!w.writesBack()) staged.add(layout.packs().path(w.id));
            Readback.start(staged);
            return new CheckpointResult(s, zero.get(), dedup.get(), added.get(), addedBytes.get(), System.nanoTime() - t0, 0,
                    unchanged.get());
        } catch (IOException e) {
            throw StoreException.of("checkpoint into " + layout.root(), e);
        } finally {
            synchronized (this) {
                if (writeback != null) writeback.close();
            }
            io.shutdown();
            if (!ok) discardPacks();
        }
    }

    private synchronized Writeback writeback() {
        if (writeback == null) writeback = new Writeback();
        return writeback;
    }

    private void discardPacks() {
        for (Packs.Writer w : made) {
            try {
                w.close();
                Files.deleteIfExists(layout.packs().path(w.id));
            } catch (IOException ignored) {
                // left for gc, which removes packs no manifest names
            }
        }
    }

    /** One thread's state: its buffers, hash, compressor and pack. */
    private final class Worker implements Parallel.Worker {
        private final MemorySource mem;
        private final List<long[]> slots;
        private final ChunkRef[] out;
        private final Progress progress;
        private final long total;
        private final ByteBuffer in = ByteBuffer.allocateDirect(chunkSize);
        private final ByteBuffer zeros = ByteBuffer.allocateDirect(chunkSize);
        private final ByteBuffer packed = ByteBuffer.allocateDirect(Compression.bound(chunkSize));
        private final ByteBuffer header = ByteBuffer.allocate(PackRecord.HEADER);
        private final Compression zstd = new Compression();
        private final CRC32C crc = new CRC32C();
        private Packs.Writer pack;
        /** Size of {@code pack} when it was last handed to the writeback thread. */
        private long kicked;

        Worker(MemorySource mem, List<long[]> slots, ChunkRef[] out, Progress progress, long total) {
            this.mem = mem;
            this.slots = slots;
            this.out = out;
            this.progress = progress;
            this.total = total;
        }

        @Override
        public void item(int i) throws IOException {
            long off = slots.get(i)[0];
            int len = (int) slots.get(i)[1];
            ChunkRef same = mem.unchanged(off, len);
            if (same == MemorySource.ZERO) {
                zero.incrementAndGet();
                unchanged.incrementAndGet();
                progress.advance(done.addAndGet(len), total);
                return;
            }
            // Unwritten since a snapshot stored it: reused if its pack is still there and long enough.
            if (same != null && same.rawLength() == len && packsAtStart.contains(same.packId())
                    && layout.packs().covers(same)) {
                dedup.incrementAndGet();
                unchanged.incrementAndGet();
                out[i] = same.at(off);
                progress.advance(done.addAndGet(len), total);
                return;
            }
            ByteBuffer b = mem.readView(off, len);
            if (b == null) {
                in.clear().limit(len);
                mem.read(off, in);
                b = in.flip();
            } else if (b.remaining() != len) {
                throw new IllegalStateException("memory view of " + len + " bytes has " + b.remaining());
            }
            if (b.mismatch(zeros.duplicate().limit(len)) == -1) {
                zero.incrementAndGet();
            } else {
                out[i] = find(b, off);
            }
            progress.advance(done.addAndGet(len), total);
        }

        private ChunkRef find(ByteBuffer b, long off) throws IOException {
            byte[] hash = Hashes.sha256(b);
            ChunkRef known = index.get(hash);
            if (known != null && known.rawLength() == b.remaining() && packsAtStart.contains(known.packId())
                    && layout.packs().holds(known)) {
                dedup.incrementAndGet();
                return known.at(off);
            }
            CompletableFuture<ChunkRef> mine = new CompletableFuture<>();
            CompletableFuture<ChunkRef> first = fresh.putIfAbsent(new Key(hash), mine);
            if (first != null) {
                dedup.incrementAndGet();
                try {
                    return first.join().at(off);
                } catch (CompletionException e) {
                    throw new IOException("another worker failed to store a chunk", e.getCause());
                }
            }
            try {
                ChunkRef c = store(b, hash, off);
                mine.complete(c);
                return c;
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }

        private ChunkRef store(ByteBuffer b, byte[] hash, long off) throws IOException {
            int rawLen = b.remaining();
            int n = zstd.compress(b, packed);
            boolean raw = n < 0;
            ByteBuffer data = raw ? b.duplicate() : packed;
            crc.reset();
            crc.update(data.duplicate());
            int c = (int) crc.getValue();
            int stored = data.remaining();
            PackRecord.header(header, raw, rawLen, stored, hash, c);
            if (pack == null || pack.size() > MAX_PACK) {
                if (pack != null) {
                    pack.sync();
                    pack.close();
                }
                pack = layout.packs().createStaged(io);
                made.add(pack);
                kicked = 0;
            }
            long at = pack.append(header, data);
            if (pack.writesBack() && pack.size() - kicked >= Writeback.STEP) {
                kicked = pack.size();
                writeback().kick(pack);
            }
            added.incrementAndGet();
            addedBytes.addAndGet(PackRecord.HEADER + stored);
            return new ChunkRef(off, rawLen, hash, pack.id, at, stored, raw, c);
        }

        /** fdatasync of this worker's pack: the threads sync in parallel. */
        @Override
        public void finish(boolean failed) throws IOException {
            zstd.close();
            if (pack != null) {
                if (!failed) pack.sync();
                pack.close();
            }
        }
    }

    /** A hash as a map key. */
    record Key(byte[] hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(k.hash, hash);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hash);
        }
    }
}
