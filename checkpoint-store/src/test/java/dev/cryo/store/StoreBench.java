package dev.cryo.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * The store's benchmark (bench/store runs it; figures in docs/store.md): on the same bytes, side
 * by side in one run, memcpy, raw zstd-jni, SHA-256, then the store end to end — checkpoint into
 * a fresh store, again after ~1% changed, again unchanged; restore from the store; and restore
 * from a plain file of the same bytes read and CRC-checked as Cryo's image directory restore
 * does. Two contents: "mixed" (memory-like: a quarter zero pages, a quarter random, half
 * text-like) and "random" (bench/ckpt-fill.c's xorshift: no zero page, does not compress).
 * Then a chunk-size sweep (zstd speed and ratio per chunk size) and the scattered-change dedup
 * figure. Usage: StoreBench [MiB=200] [reps=3] [dir=/tmp/cryo-store-bench]
 */
public final class StoreBench {
    private static final List<String> rows = new ArrayList<>();
    private static final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private StoreBench() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Path.of(args.length > 2 ? args[2] : "/tmp/cryo-store-bench");
        int size = mib << 20;
        System.out.printf("## Store benchmark: %d MiB, best (median) of %d, %d threads%n%n", mib, reps, threads);
        for (String kind : new String[] {"mixed", "random"}) {
            BufferMemory mem = BufferMemory.whole(size);
            if (kind.equals("mixed")) mem.fill(1); else xorshift(mem.buf);
            rows.clear();
            primitives(mem.buf, reps);
            store(mem, dir, reps, kind.equals("mixed"));
            System.out.printf("### %s content%n%n| operation | ms | GB/s of memory | note |%n| --- | --- | --- | --- |%n", kind);
            rows.forEach(System.out::println);
            System.out.println();
        }
        chunkSizes(reps);
        scattered(dir);
    }

    /** bench/ckpt-fill.c's content: xorshift64*, no zero page, incompressible. */
    static void xorshift(ByteBuffer b) {
        xorshift(b, 0);
    }

    /** The same, from another seed. */
    static void xorshift(ByteBuffer b, long seed) {
        long x = 0x9E3779B97F4A7C15L ^ seed;
        ByteBuffer l = b.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.capacity(); i += 8) {
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            l.putLong(i, x * 0x2545F4914F6CDD1DL);
        }
    }

    interface Op {
        String run() throws Exception;
    }

    /** Set by an op that times only part of itself (set-up excluded); -1 to time the whole op. */
    private static long measured = -1;

    private static void row(String name, int reps, long bytes, Op op) throws Exception {
        long[] t = new long[reps];
        String note = "";
        for (int i = 0; i < reps; i++) {
            Readback.awaitAll(); // the last checkpoint's pages read back into the cache: not in this time
            measured = -1;
            long t0 = System.nanoTime();
            note = op.run();
            t[i] = measured >= 0 ? measured : System.nanoTime() - t0;
        }
        Arrays.sort(t);
        rows.add(String.format("| %s | %.1f (%.1f) | %.2f (%.2f) | %s |", name, t[0] / 1e6, t[reps / 2] / 1e6,
                bytes / (double) t[0], bytes / (double) t[reps / 2], note));
    }

    private static void primitives(ByteBuffer src, int reps) throws Exception {
        int n = src.capacity(), chunk = Store.CHUNK_SIZE;
        ByteBuffer dst = ByteBuffer.allocateDirect(n);
        row("memcpy (1 thread)", reps, n, () -> {
            dst.clear();
            dst.put(src.duplicate().clear());
            return "";
        });
        long[] stored = new long[1];
        row("zstd-jni level 1, 64 KiB chunks, 1 thread", reps, n, () -> {
            stored[0] = compressAll(src, 0, n / chunk, chunk);
            return String.format("ratio %.2f", (double) n / stored[0]);
        });
        row("zstd-jni level 1, 64 KiB chunks, " + threads + " threads", reps, n, () -> {
            Parallel.run("bench", threads, () -> i -> {
                int per = n / chunk / threads;
                compressAll(src, i * per, per, chunk);
            });
            return "";
        });
        row("SHA-256, 64 KiB chunks, 1 thread", reps, n, () -> {
            MessageDigest md = Hashes.newDigest();
            for (int off = 0; off < n; off += chunk) {
                md.update(src.slice(off, chunk));
                md.digest();
            }
            return "";
        });
        ByteBuffer packed = ByteBuffer.allocateDirect((int) Zstd.compressBound(n));
        ZstdCompressCtx c = new ZstdCompressCtx();
        c.setLevel(1);
        int p = c.compress(packed, src.duplicate().clear());
        c.close();
        row("zstd-jni level 1 decompress, one frame, 1 thread", reps, n, () -> {
            ZstdDecompressCtx d = new ZstdDecompressCtx();
            d.decompressDirectByteBuffer(dst, 0, n, packed, 0, p);
            d.close();
            return "";
        });
    }

    private static long compressAll(ByteBuffer src, int first, int count, int chunk) {
        ZstdCompressCtx c = new ZstdCompressCtx();
        c.setLevel(1);
        ByteBuffer out = ByteBuffer.allocateDirect((int) Zstd.compressBound(chunk));
        long total = 0;
        for (int i = first; i < first + count; i++) {
            out.clear();
            total += c.compress(out, src.slice(i * chunk, chunk));
        }
        c.close();
        return total;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private static void store(BufferMemory mem, Path dir, int reps, boolean mixed) throws Exception {
        int n = mem.buf.capacity();
        Path root = dir.resolve("store");
        BufferMemory back = BufferMemory.whole(n);
        String[] id = new String[1];
        // A fresh store each time: everything is new.
        deleteTree(root);
        try (Store s = Store.open(root)) { // warm-up: JIT, native libraries
            s.checkpoint(new byte[64 << 10], mem, Labels.named("warm"), Progress.NONE);
        }
        row("**checkpoint into an empty store** (end to end, synced; index already open)", reps, n, () -> {
            deleteTree(root);
            try (Store s = Store.open(root)) {
                // The index open (Chronicle, ~0.3-2 s) is not in this figure: a sandbox's JVM keeps it open.
                s.indexLockedForBench();
                long t0 = System.nanoTime();
                CheckpointResult r = s.checkpoint(new byte[64 << 10], mem, Labels.named("bench"), Progress.NONE);
                measured = System.nanoTime() - t0;
                id[0] = r.snapshot().id();
                return String.format("stored %.1f MiB (%d new chunks, %d zero)", r.newStoredBytes() / 1048576.0,
                        r.newChunks(), r.zeroChunks());
            }
        });
        try (Store s = Store.open(root)) {
            s.indexLockedForBench();
            row("checkpoint again, unchanged (all dedup)", reps, n, () -> {
                CheckpointResult r = s.checkpoint(new byte[64 << 10], mem, Labels.named("again"), Progress.NONE);
                return String.format("stored %.2f MiB", r.newStoredBytes() / 1048576.0);
            });
            int[] round = {0};
            BufferMemory changed = BufferMemory.whole(n);
            row("checkpoint again, ~1% changed in 2 runs", reps, n, () -> {
                changed.buf.clear().put(mem.buf.duplicate().clear());
                changed.change(77 + round[0]++, 2, n / 4096 / 200);
                long t0 = System.nanoTime();
                CheckpointResult r = s.checkpoint(new byte[64 << 10], changed, Labels.named("changed"), Progress.NONE);
                measured = System.nanoTime() - t0;
                return String.format("stored %.2f MiB", r.newStoredBytes() / 1048576.0);
            });
            // As the Sentry's write tracking makes it: the writer told what each slot held in the
            // first snapshot and whether it was written since.
            TrackedMemory tracked = new TrackedMemory(changed);
            Snapshot base = s.manifest(id[0]);
            row("checkpoint again, 1% of pages changed one by one, scattered; the writer told which slots were written",
                    reps, n, () -> {
                        changed.buf.clear().put(mem.buf.duplicate().clear());
                        tracked.remember(base);
                        tracked.writeScattered(n / 4096 / 100, new java.util.Random(round[0]++), mixed);
                        long t0 = System.nanoTime();
                        CheckpointResult r = s.checkpoint(new byte[64 << 10], tracked, Labels.named("scattered"), Progress.NONE);
                        measured = System.nanoTime() - t0;
                        return String.format("stored %.2f MiB (%d slots as their changed blocks)", r.newStoredBytes() / 1048576.0,
                                r.changedBlockSlots());
                    });
            for (boolean told : new boolean[] {false, true}) {
                row("checkpoint again, every page rewritten (random); the writer " + (told ? "told (tries page diffs, gives up)" : "not told"),
                        reps, n, () -> {
                            xorshift(changed.buf, round[0]++);
                            tracked.remember(base);
                            tracked.touchAll();
                            long t0 = System.nanoTime();
                            CheckpointResult r = s.checkpoint(new byte[64 << 10], told ? tracked : changed, Labels.named("rewritten"),
                                    Progress.NONE);
                            measured = System.nanoTime() - t0;
                            return String.format("stored %.1f MiB", r.newStoredBytes() / 1048576.0);
                        });
            }
            row("**restore from the store** (CRC32C checks)", reps, n, () -> {
                s.restore(id[0], back, false, Progress.NONE);
                return "";
            });
            if (!back.sameAs(mem)) throw new AssertionError("restore differs");
            row("restore from the store, SHA-256 rehash of every chunk", reps, n, () -> {
                s.restore(id[0], back, true, Progress.NONE);
                return "";
            });
        }
        Path plain = dir.resolve("plain.pages");
        try (FileChannel ch = FileChannel.open(plain, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(mem.buf.duplicate().clear());
            ch.force(false);
        }
        row("restore from a plain file of the same bytes (read + CRC32C, as an image directory)", reps, n, () -> {
            try (FileChannel ch = FileChannel.open(plain, StandardOpenOption.READ)) {
                ByteBuffer b = back.buf.duplicate().clear();
                while (b.hasRemaining()) ch.read(b, b.position());
                CRC32C crc = new CRC32C();
                crc.update(back.buf.duplicate().clear());
            }
            return String.format("file %.1f MiB", Files.size(plain) / 1048576.0);
        });
        Files.delete(plain);
        deleteTree(root);
    }

    private static void chunkSizes(int reps) throws Exception {
        BufferMemory mem = BufferMemory.whole(64 << 20);
        mem.fill(3);
        System.out.printf("### Chunk size (mixed content, 64 MiB, one thread, zstd level 1 and SHA-256)%n%n"
                + "| chunk | zstd MB/s | ratio | SHA-256 MB/s | manifest bytes per GiB |%n| --- | --- | --- | --- | --- |%n");
        for (int chunk : new int[] {4096, 16384, 65536, 262144, 1 << 20}) {
            long best = Long.MAX_VALUE, bestSha = Long.MAX_VALUE, stored = 0;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                stored = compressAll(mem.buf, 0, (64 << 20) / chunk, chunk);
                best = Math.min(best, System.nanoTime() - t0);
                MessageDigest md = Hashes.newDigest();
                t0 = System.nanoTime();
                for (int off = 0; off < 64 << 20; off += chunk) {
                    md.update(mem.buf.slice(off, chunk));
                    md.digest();
                }
                bestSha = Math.min(bestSha, System.nanoTime() - t0);
            }
            System.out.printf("| %d KiB | %.0f | %.2f | %.0f | %d KiB |%n", chunk >> 10, (64 << 20) * 1e3 / best,
                    (64.0 * 1048576) / stored, (64 << 20) * 1e3 / bestSha, (1L << 30) / chunk * ChunkRef.BYTES >> 10);
        }
        System.out.println();
    }

    /**
     * Dedup when the 1% changed is scattered single pages rather than runs: the chunk size's cost,
     * and what storing only a written slot's changed blocks (the Sentry's write tracking tells the
     * writer which slots were written and what they held) gives back. Packs and manifests counted.
     */
    private static void scattered(Path dir) throws Exception {
        int n = 64 << 20;
        Path root = dir.resolve("scattered");
        System.out.printf("### Dedup of 10 snapshots, 64 MiB, 1%% changed between them (packs and manifests)%n%n");
        for (boolean random : new boolean[] {false, true}) {
            for (boolean tracked : new boolean[] {false, true}) {
                deleteTree(root);
                TrackedMemory mem = new TrackedMemory(n);
                if (random) xorshift(mem.mem.buf); else mem.mem.fill(5);
                java.util.Random r = new java.util.Random(100);
                long first = 0;
                try (Store s = Store.open(root)) {
                    for (int i = 0; i < 10; i++) {
                        if (i > 0) mem.writeScattered(n / 4096 / 100, r, !random);
                        CheckpointResult res = s.checkpoint(new byte[0], tracked ? mem : mem.mem, Labels.none(), Progress.NONE);
                        if (tracked) mem.remember(res.snapshot());
                        if (i == 0) first = StoreRoundTripTest.du(root.resolve("packs")) + StoreRoundTripTest.du(root.resolve("snapshots"));
                    }
                }
                long total = StoreRoundTripTest.du(root.resolve("packs")) + StoreRoundTripTest.du(root.resolve("snapshots"));
                System.out.printf("- %s content, 1%% of pages scattered one by one, the writer %s: %.2fx the first's stored size%n",
                        random ? "random" : "mixed", tracked ? "told which slots were written (the Sentry; only the changed "
                                + "blocks of a written slot are stored)" : "not told what changed (each change stores a whole "
                                + "64 KiB chunk)", (double) total / first);
            }
        }
        deleteTree(root);
        BufferMemory mem = BufferMemory.whole(n);
        mem.fill(5);
        long first = 0;
        try (Store s = Store.open(root)) {
            for (int i = 0; i < 10; i++) {
                if (i > 0) mem.change(100 + i, 2, n / 4096 / 200);
                s.checkpoint(new byte[0], mem, Labels.none(), Progress.NONE);
                if (i == 0) first = StoreRoundTripTest.du(root.resolve("packs")) + StoreRoundTripTest.du(root.resolve("snapshots"));
            }
        }
        long total = StoreRoundTripTest.du(root.resolve("packs")) + StoreRoundTripTest.du(root.resolve("snapshots"));
        System.out.printf("- as two runs of 0.5%% each (heap-like), not told: %.2fx%n", (double) total / first);
        deleteTree(root);
    }
}
