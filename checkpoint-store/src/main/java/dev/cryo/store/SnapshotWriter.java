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
 * own pack. A slot the source knows unwritten since its previous snapshot is that snapshot's
 * pieces, unread; a written one whose previous content is known is stored as the blocks that
 * changed ({@link Worker#diff}). Then every pack is synced, and only then the manifest is committed
 * ({@link Manifests#write}): a crash before leaves packs no manifest names, which gc removes.
 * Runs under the store's exclusive lock.
 */
final class SnapshotWriter {
    /** A pack is closed and a new one started past this size, so gc can reclaim space pack by pack. */
    static final long MAX_PACK = 1L << 30;
    /**
     * Most pieces a slot may be made of: each costs a manifest entry ({@link ChunkRef#BYTES}) in
     * every later snapshot that keeps it, and a record read at restore. Past it the slot is
     * stored whole again.
     */
    static final int MAX_PIECES = 8;

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
    /** Chunks of changed blocks made this checkpoint (for the index). */
    private final List<ChunkRef> blockSets = Collections.synchronizedList(new ArrayList<>());
    /**
     * Written slots compared with what they held; those the comparison saved storing whole
     * (stored as their changed blocks, or found unchanged); those stored as their changed blocks;
     * those not tried.
     */
    private final java.util.concurrent.atomic.AtomicInteger diffsTried = new java.util.concurrent.atomic.AtomicInteger(),
            diffsSaved = new java.util.concurrent.atomic.AtomicInteger(),
            diffsPaid = new java.util.concurrent.atomic.AtomicInteger(),
            diffSkipped = new java.util.concurrent.atomic.AtomicInteger();
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
        ChunkRef[][] out = new ChunkRef[slots.size()][];
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
            for (ChunkRef[] pieces : out) if (pieces != null) chunks.addAll(Arrays.asList(pieces));
            Durable.syncDir(layout.packsDir()); // the new packs' names, before a manifest names them
            Snapshot s = new Snapshot(Ids.fresh(), labels.name(), labels.tag(), labels.source(), labels.parent(),
                    System.currentTimeMillis(), logical, mem.size(), chunkSize, labels.metadata(), kernelState, chunks);
            layout.manifests().write(s); // the commit
            ok = true;
            List<ChunkRef> newOnes = new ArrayList<>(blockSets);
            for (CompletableFuture<ChunkRef> f : fresh.values()) newOnes.add(f.join());
            index.putAll(newOnes);
            List<java.nio.file.Path> staged = new ArrayList<>();
            for (Packs.Writer w : made) if (!w.writesBack()) staged.add(layout.packs().path(w.id));
            Readback.start(staged);
            return new CheckpointResult(s, zero.get(), dedup.get(), added.get(), addedBytes.get(), System.nanoTime() - t0, 0,
                    unchanged.get(), diffsPaid.get());
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
        private final ChunkRef[][] out;
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

        /** For {@link #diff}: the slot as the previous snapshot had it, a chunk's content, a record, the changed blocks. */
        private ByteBuffer old, content, record, changed;
        private final byte[] changedMark = new byte[ManifestCodec.MAX_CHUNK / SlotDiff.BLOCK];

        Worker(MemorySource mem, List<long[]> slots, ChunkRef[][] out, Progress progress, long total) {
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
            List<ChunkRef> prev = mem.previous(off, len);
            if (prev != null && prev != MemorySource.ZERO_SLOT && !covers(prev, off, len)) prev = null;
            if (prev != null && !mem.written(off, len)) {
                // Unwritten since a snapshot stored it: reused if its packs are still there and long enough.
                if (prev == MemorySource.ZERO_SLOT || reusable(prev)) {
                    (prev == MemorySource.ZERO_SLOT ? zero : dedup).incrementAndGet();
                    unchanged.incrementAndGet();
                    if (prev != MemorySource.ZERO_SLOT) out[i] = prev.toArray(new ChunkRef[0]);
                    progress.advance(done.addAndGet(len), total);
                    return;
                }
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
                out[i] = find(b, off, prev == MemorySource.ZERO_SLOT ? null : prev);
            }
            progress.advance(done.addAndGet(len), total);
        }

        /**
         * Whether to compare a written slot with what it held: reading the old chunk costs about
         * as much again as storing the slot whole (a 200 MiB checkpoint of memory rewritten
         * everywhere took 270-350 ms instead of 150-250, measured), so once most tries this
         * checkpoint found the slot changed beyond half, only one slot in 16 is still tried.
         */
        private boolean diffWorthTrying() {
            int tried = diffsTried.get();
            return tried < 16 || diffsSaved.get() * 4 >= tried || diffSkipped.incrementAndGet() % 16 == 0;
        }

        /** Whether {@code pieces} lie end to end over exactly [off, off + len). */
        private boolean covers(List<ChunkRef> pieces, long off, int len) {
            long at = off;
            for (ChunkRef c : pieces) {
                if (c.memOffset() != at || c.rawLength() <= 0) return false;
                at += c.rawLength();
            }
            return at == off + len;
        }

        private boolean reusable(List<ChunkRef> pieces) {
            for (ChunkRef c : pieces) {
                if (!packsAtStart.contains(c.packId()) || !layout.packs().covers(c)) return false;
            }
            return true;
        }

        private ChunkRef[] find(ByteBuffer b, long off, List<ChunkRef> prev) throws IOException {
            byte[] hash = Hashes.sha256(b);
            ChunkRef known = index.get(hash);
            if (known != null && known.rawLength() == b.remaining() && packsAtStart.contains(known.packId())
                    && layout.packs().holds(known)) {
                dedup.incrementAndGet();
                return new ChunkRef[] {known.at(off)};
            }
            Key key = new Key(hash);
            // Looked up first only where a comparison may follow (a first checkpoint has no
            // previous content: one putIfAbsent per chunk, as before pieces existed).
            CompletableFuture<ChunkRef> first = prev == null ? null : fresh.get(key);
            if (first == null && prev != null && diffWorthTrying()) {
                diffsTried.incrementAndGet();
                ChunkRef[] pieces = diff(b, off, prev);
                if (pieces != null) {
                    diffsSaved.incrementAndGet();
                    return pieces;
                }
            }
            CompletableFuture<ChunkRef> mine = new CompletableFuture<>();
            if (first == null) first = fresh.putIfAbsent(key, mine);
            if (first != null) {
                dedup.incrementAndGet();
                try {
                    return new ChunkRef[] {first.join().at(off)};
                } catch (CompletionException e) {
                    throw new IOException("another worker failed to store a chunk", e.getCause());
                }
            }
            try {
                ChunkRef c = store(b, hash, off);
                mine.complete(c);
                return new ChunkRef[] {c};
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }

        /**
         * A written slot ({@code b}, at {@code off}) as the previous snapshot's pieces where its
         * 512-byte blocks are unchanged and windows of one new chunk of the blocks that changed
         * ({@link SlotDiff}); null if more than half changed, the pieces would be too many, or the
         * previous bytes cannot be read (the caller then stores the slot whole). Why: with 64 KiB
         * chunks, a program that changes 1% of its pages, scattered, dirties ~15% of its chunks;
         * stored whole, ten snapshots took 2.3x the first (docs/store.md).
         */
        private ChunkRef[] diff(ByteBuffer b, long off, List<ChunkRef> prev) throws IOException {
            int len = b.remaining(), blocks = len / SlotDiff.BLOCK;
            if (len % SlotDiff.BLOCK != 0 || blocks < 2 || blocks > changedMark.length) return null;
            if (old == null) {
                old = ByteBuffer.allocateDirect(chunkSize);
                content = ByteBuffer.allocateDirect(chunkSize);
                record = ByteBuffer.allocateDirect(PackRecord.HEADER + Compression.bound(chunkSize));
                changed = ByteBuffer.allocateDirect(chunkSize);
            }
            ChunkRef.Location loaded = null;
            ByteBuffer whole = null;
            try {
                for (ChunkRef p : prev) {
                    if (!packsAtStart.contains(p.packId())) return null;
                    if (!p.location().equals(loaded)) {
                        layout.packs().read(p, record); // checked: header and CRC32C
                        whole = SnapshotReader.content(p, record, zstd, content);
                        loaded = p.location();
                    }
                    old.put((int) (p.memOffset() - off), whole, p.skip(), p.rawLength());
                }
            } catch (StoreException e) {
                return null; // gone or damaged since: stored whole, as a first checkpoint would
            }
            int n = SlotDiff.compare(b, old, blocks, changedMark, blocks / 2);
            if (n < 0) return null;
            if (n == 0) {
                dedup.incrementAndGet(); // written, but back to what it was
                return prev.toArray(new ChunkRef[0]);
            }
            SlotDiff.gather(b, blocks, changedMark, changed);
            byte[] hash = Hashes.sha256(changed);
            // Laid out first against a stand-in for the new chunk, so nothing is stored for pieces too many.
            ChunkRef standIn = new ChunkRef(off, n * SlotDiff.BLOCK, hash, -1, -1, 1, true, 0);
            List<ChunkRef> pieces = SlotDiff.pieces(off, blocks, changedMark, prev, standIn);
            if (pieces.size() > MAX_PIECES) return null;
            ChunkRef made = store(changed, hash, off);
            blockSets.add(made);
            diffsPaid.incrementAndGet();
            ChunkRef[] out = new ChunkRef[pieces.size()];
            for (int k = 0; k < out.length; k++) {
                ChunkRef p = pieces.get(k);
                out[k] = p.packId() == -1 && p.packOffset() == -1 ? p.from(made) : p;
            }
            return out;
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
