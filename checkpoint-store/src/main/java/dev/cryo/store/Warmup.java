package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * A rehearsal of a checkpoint's per-chunk work on scratch data: the zero test, SHA-256, an index
 * lookup, the map of chunks first met, zstd, CRC32C, the record header, a staged pack append (to
 * /dev/null), and index insertions into a scratch Chronicle Map built as the real one, in a file
 * as the real one is. The chunks are read-only direct buffers, as the memory file's views are:
 * another buffer class would leave the compiled code's type profile wrong, and the checkpoint
 * would recompile it. In a fresh JVM the first checkpoint of 200 MiB is mostly the JIT at work:
 * its C2 and C1 threads took ~800 and ~300 ms of CPU during it on 2 cores (Chronicle's
 * query-context methods are large), and SHA-256 runs 10x slower until compiled. Done once,
 * ahead, by a process that will write later (a sandbox's host), that work is off the
 * checkpoint's path. Nothing is written but the scratch index, deleted after.
 */
final class Warmup {
    /** About as many lookups and insertions as a 200 MiB checkpoint makes: C2 compiles past ~10^4 calls. */
    static final int CHUNKS = 4096;
    private static final int CHUNK = Store.CHUNK_SIZE;

    private Warmup() {}

    /** Rounds of fresh threads: enough for each thread-first path to be seen taken (see {@link #run}). */
    static final int ROUNDS = 8;
    /**
     * After the full-size chunks, this many times as many 4 KiB ones: C2 compiles a method past
     * ~5,000 calls, and the per-chunk ones (the record header, CRC32C, ChunkRef, the index's
     * lookup path) were still being compiled during a first 200 MiB checkpoint (3,200 chunks)
     * after a rehearsal of 4,096; small chunks take them there for little CPU.
     */
    static final int SMALL_PER_CHUNK = 3;
    private static final int SMALL = 4096;

    /**
     * Rehearses {@code chunks} chunks, or fewer if {@code stop} turns true (a real checkpoint
     * began); returns how many it rehearsed. A checkpoint runs on threads of its own, made for
     * it ({@link Parallel}): the first use of a thread-local digest (SHA2 allocates its
     * schedule array then), of a Chronicle query context, of a channel from a new thread, takes
     * branches that a rehearsal on one thread never takes, and C2 compiles them out. The real
     * checkpoint then hit them, threw the compiled SHA-256 away and ran it interpreted while C2
     * compiled it again: ~200 ms of the JIT during a first 200 MiB checkpoint (measured with
     * -XX:+PrintCompilation). So the rehearsal too runs in rounds of fresh threads, as many as a
     * checkpoint has. Returns the number of chunks rehearsed, small ones included.
     */
    static int run(int chunks, BooleanSupplier stop) throws IOException {
        return run(chunks, stop, null);
    }

    /**
     * As {@link #run(int, BooleanSupplier)}, its scratch index in a file in {@code scratchDir}
     * (null: in memory), deleted after.
     */
    static int run(int chunks, BooleanSupplier stop, Path scratchDir) throws IOException {
        // A checkpoint draws a snapshot id and pack ids: the first draw loads the JDK's SHA-1
        // (NativePRNG mixes with it), a second DigestBase subclass, and C2 then throws away
        // every compiled SHA-256 path that assumed one (class hierarchy dependencies).
        Ids.fresh();
        Packs.warmRandom();
        ByteBuffer data = ByteBuffer.allocateDirect(16 * CHUNK);
        SplittableRandom r = new SplittableRandom(chunks);
        while (data.remaining() >= 8) data.putLong(r.nextLong());
        // Half the chunks compressible (zstd takes its other path on them), half random.
        for (int i = 0; i < 8 * CHUNK; i += 64) data.put(i, (byte) 0).putInt(i + 4, i & 0xff);
        ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK); // writable, as a worker's is
        // The headers as a pack holds them, for the second pass's checks (a read-only direct
        // buffer, the class of a pack's read-only mapping).
        int total = chunks * (1 + SMALL_PER_CHUNK);
        ByteBuffer headers = ByteBuffer.allocateDirect(total * PackRecord.HEADER);
        List<ChunkRef> all = Collections.synchronizedList(new ArrayList<>(total));
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean cut = new AtomicBoolean();
        // The chunks first met, as a checkpoint keeps them: a map grown from empty.
        ConcurrentHashMap<SnapshotWriter.Key, CompletableFuture<ChunkRef>> fresh =
                new ConcurrentHashMap<>();
        int perRound = Math.max(1, (total + ROUNDS - 1) / ROUNDS);
        ExecutorService io = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "cryo-store-warmup-io");
            t.setDaemon(true);
            return t;
        });
        Path scratch = scratchDir == null ? null
                : Files.createTempFile(scratchDir, "warmup-index-", ".cmap");
        try (ChunkIndex ix = scratch == null ? ChunkIndex.scratch(2L * total) : scratchIndex(2L * total, scratch)) {
            for (int end = perRound; !cut.get() && next.get() < total; end += perRound) {
                int until = Math.min(total, end);
                Parallel.run("warmup", until - next.get(), () -> new Rehearsal(data, zeros, headers, all, ix, next, until,
                        chunks, stop, cut, io, fresh));
            }
            // A checkpoint of a sandbox checkpointed before finds its chunks stored: the index
            // hits and the check of each hit's record header (Packs.holds), ~50 ms the first
            // times it ran through the CLI's second checkpoint (measured).
            ByteBuffer stored = headers.asReadOnlyBuffer();
            for (int i = 0; i < all.size() && !cut.get(); i++) {
                if (stop.getAsBoolean()) break;
                ChunkRef known = ix.get(all.get(i).hash());
                if (known == null || !Packs.holdsIn(stored, known, CHUNK)) {
                    throw new IllegalStateException("warm-up: a chunk just indexed is not found as stored");
                }
                known.at(i);
            }
        } finally {
            io.shutdown();
            if (scratch != null) Files.deleteIfExists(scratch);
        }
        return Math.min(next.get(), total);
    }

    private static ChunkIndex scratchIndex(long entries, Path file) throws IOException {
        Files.deleteIfExists(file); // Chronicle makes it: an empty file is not a map
        return ChunkIndex.scratch(entries, file);
    }

    /** One thread's share of a round: a checkpoint worker's steps, on scratch data. */
    private static final class Rehearsal implements Parallel.Worker {
        private final ByteBuffer data, zeros, headers;
        private final List<ChunkRef> all;
        private final ChunkIndex ix;
        private final AtomicInteger next;
        private final int until, full;
        private final BooleanSupplier stop;
        private final AtomicBoolean cut;
        private final ConcurrentHashMap<SnapshotWriter.Key, CompletableFuture<ChunkRef>> fresh;
        private final ByteBuffer mine = ByteBuffer.allocateDirect(CHUNK);
        private final ByteBuffer packed = ByteBuffer.allocateDirect(Compression.bound(CHUNK));
        private final ByteBuffer header = ByteBuffer.allocate(PackRecord.HEADER);
        private final CRC32C crc = new CRC32C();
        private final Compression zstd = new Compression();
        private final List<ChunkRef> batch = new ArrayList<>();
        // Records are appended as to a pack, to /dev/null: the same staging code, no disk.
        private final StagedPackWriter pack;

        Rehearsal(ByteBuffer data, ByteBuffer zeros, ByteBuffer headers, List<ChunkRef> all, ChunkIndex ix,
                AtomicInteger next, int until, int full, BooleanSupplier stop, AtomicBoolean cut, Executor io,
                ConcurrentHashMap<SnapshotWriter.Key, CompletableFuture<ChunkRef>> fresh) throws IOException {
            this.data = data;
            this.zeros = zeros;
            this.headers = headers;
            this.all = all;
            this.ix = ix;
            this.next = next;
            this.until = until;
            this.full = full;
            this.stop = stop;
            this.cut = cut;
            this.fresh = fresh;
            this.pack = StagedPackWriter.discarding(io);
        }

        @Override
        public void item(int ignored) throws IOException {
            if (cut.get() || stop.getAsBoolean()) {
                cut.set(true);
                return;
            }
            int i = next.getAndIncrement();
            if (i >= until) return;
            int len = i < full ? CHUNK : SMALL;
            int slot = (i % 16) * CHUNK;
            mine.clear().put(data.slice(slot, len)).putInt(len - 4, i).flip(); // every chunk distinct
            ByteBuffer b = mine.asReadOnlyBuffer(); // as a view of the memory file is
            if (b.mismatch(zeros.duplicate().limit(len)) == -1) return;
            byte[] hash = Hashes.sha256(b);
            if (ix.get(hash) != null) return;
            CompletableFuture<ChunkRef> first = new CompletableFuture<>();
            if (fresh.putIfAbsent(new SnapshotWriter.Key(hash), first) != null) return;
            int n = zstd.compress(b, packed);
            ByteBuffer stored = n < 0 ? b.duplicate() : packed;
            crc.reset();
            crc.update(stored.duplicate());
            int storedLength = stored.remaining();
            PackRecord.header(header, n < 0, len, storedLength, hash, (int) crc.getValue());
            pack.append(header, stored);
            ChunkRef ref;
            synchronized (all) {
                int at = all.size() * PackRecord.HEADER;
                headers.put(at, header, 0, PackRecord.HEADER);
                ref = new ChunkRef(0, len, hash, 1, at, storedLength, n < 0, (int) crc.getValue());
                all.add(ref);
            }
            first.complete(ref);
            batch.add(ref);
            if (batch.size() == 256) {
                ix.putAll(batch);
                batch.clear();
            }
        }

        @Override
        public void finish(boolean failed) throws IOException {
            try {
                if (!failed) {
                    ix.putAll(batch);
                    pack.sync();
                }
            } finally {
                zstd.close();
                pack.close();
            }
        }
    }
}
