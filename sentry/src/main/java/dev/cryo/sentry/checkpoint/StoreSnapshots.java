package dev.cryo.sentry.checkpoint;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.sentry.memory.MemoryLoader;
import dev.cryo.serializer.ImageException;
import dev.cryo.serializer.StateCodec;
import dev.cryo.store.CheckpointResult;
import dev.cryo.store.Labels;
import dev.cryo.store.ChunkRef;
import dev.cryo.store.OpenSnapshot;
import dev.cryo.store.MemorySource;
import dev.cryo.store.Progress;
import dev.cryo.store.Range;
import dev.cryo.store.Snapshot;
import dev.cryo.store.Store;
import dev.cryo.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checkpoints into, and restores from, the content-addressed store (issue #4): the Sentry's side
 * of it. The store sees the memory file through a {@link MemorySource} view of the Sentry's own
 * mapping of the memfd (chunks are hashed and compressed straight from it); a restore decompresses
 * chunks straight into that mapping; the kernel graph goes in the manifest as a blob, with
 * the layout fingerprint of the classes it was saved with.
 */
public final class StoreSnapshots {
    /** Manifest metadata keys. */
    static final String LAYOUT = "cryo.layout", USAGE = "cryo.usage";
    /** What {@code snapshot inspect} shows without decoding the graph: one line per task ("tid TAB comm TAB exe"), per open file ("tid TAB fd TAB path"). */
    public static final String PROCESSES = "cryo.processes", FILES = "cryo.files";

    private StoreSnapshots() {}

    /**
     * The last snapshot each memory file was checkpointed into the store as: its store, and each
     * chunk slot's pieces by the slot's offset (a zero slot: {@link MemorySource#ZERO_SLOT}). With
     * the file's write tracking, the next checkpoint into the same store reuses the pieces of the
     * slots nobody wrote since, unread, and stores only the changed blocks of those written.
     */
    private record Previous(java.nio.file.Path store, Map<Long, List<ChunkRef>> slots) {}

    private static final Map<MemoryFile, Previous> PREVIOUS = new java.util.WeakHashMap<>();

    /** Saves a frozen {@code kernel} into {@code store}; returns what the store did. */
    public static CheckpointResult save(Kernel kernel, Store store, Labels labels, StateCodec codec, Progress progress)
            throws IOException {
        MemoryFile mf = kernel.memoryFile();
        mf.awaitLoaded(); // a sandbox restored moments ago may still be filling
        long t0 = System.nanoTime();
        byte[] state = codec.save(kernel);
        long t1 = System.nanoTime();
        Map<String, String> meta = new HashMap<>(labels.metadata());
        meta.put(LAYOUT, codec.registry().fingerprint());
        meta.put(USAGE, Long.toString(mf.usage()));
        describe(kernel, meta);
        // Frozen: what is written from here on is counted for the next checkpoint; what was
        // written since the last one decides what this one may reuse.
        java.util.BitSet written = mf.restartTracking();
        Previous prev;
        synchronized (PREVIOUS) {
            prev = PREVIOUS.remove(mf);
        }
        if (written == null || prev == null || !prev.store().equals(store.root()) || MemoryFile.GRANULE != Store.CHUNK_SIZE) {
            prev = null;
        }
        Source source = new Source(mf, prev, written);
        CheckpointResult r;
        try {
            r = store.checkpoint(state, source, labels.withMetadata(meta), progress);
        } catch (IOException | RuntimeException e) {
            mf.stopTracking(); // nothing is known unwritten against a snapshot that is not there
            throw e;
        }
        long t2 = System.nanoTime();
        remember(mf, store.root(), r.snapshot().chunks(), source.ranges());
        if (System.getenv("CRYO_TIMINGS") != null) {
            System.err.printf("cryo: checkpoint timings: graph %.1f ms (%d bytes), tracking restarted and store in %.1f ms,"
                    + " remembered in %.1f ms%n", (t1 - t0) / 1e6, state.length, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6);
        }
        return r;
    }

    /**
     * Records that {@code mf}, as of now, holds exactly {@code chunks} of the store at
     * {@code root} (zero in the rest of {@code ranges}, its allocated ranges): its next
     * checkpoint into that store may reuse them where tracking says nobody wrote since.
     */
    private static void remember(MemoryFile mf, java.nio.file.Path root, List<ChunkRef> chunkList, List<Range> ranges) {
        Map<Long, List<ChunkRef>> slots = new HashMap<>();
        int next = 0; // the pieces are in memory order, as the slots are
        for (Range range : ranges) { // the writer's slots: cut at multiples of the chunk size
            for (long p = range.offset(); p < range.end(); ) {
                long end = Math.min(range.end(), (p / Store.CHUNK_SIZE + 1) * Store.CHUNK_SIZE);
                while (next < chunkList.size() && chunkList.get(next).memOffset() < p) next++;
                int first = next;
                while (next < chunkList.size() && chunkList.get(next).memOffset() < end) next++;
                // A view of the snapshot's own list (kept by it anyway): no copy per slot.
                slots.put(p, first == next ? MemorySource.ZERO_SLOT : chunkList.subList(first, next));
                p = end;
            }
        }
        synchronized (PREVIOUS) {
            PREVIOUS.put(mf, new Previous(root, slots));
        }
    }

    /**
     * Restores snapshot {@code ref} of {@code store} (id, id prefix or name[:tag]): the same
     * checks as a directory image's restore — every chunk's record is read and checked against
     * the manifest before anything runs —, then the memory is decompressed into the new memory
     * file in the background while the program runs (see MemoryLoader). Never opens the index.
     */
    public static Restorer.Restored load(Store store, String ref, Kernel.RestoreEnv env, boolean acceptChangedFiles,
            StateCodec codec) throws ImageException {
        long t0 = System.nanoTime();
        OpenSnapshot open = open(store, ref);
        return load(open, System.nanoTime() - t0, env, acceptChangedFiles, codec);
    }

    /**
     * The first half of {@link #load(Store, String, Kernel.RestoreEnv, boolean, StateCodec)}:
     * resolves {@code ref}, reads and checks its manifest and opens its packs. Needs neither the
     * codec nor the syscall table, so a restore does it while those are still being built.
     */
    public static OpenSnapshot open(Store store, String ref) throws ImageException {
        try {
            return store.openSnapshot(ref);
        } catch (StoreException e) {
            throw new ImageException(e.getMessage(), e);
        }
    }

    /**
     * The second half: restores the snapshot {@link #open} opened ({@code openNanos} ago, for the
     * timings); takes {@code open} over (closes it, or hands it to the memory loader).
     */
    public static Restorer.Restored load(OpenSnapshot open, long openNanos, Kernel.RestoreEnv env,
            boolean acceptChangedFiles, StateCodec codec) throws ImageException {
        long t0 = System.nanoTime() - openNanos;
        Snapshot s = open.snapshot();
        String what = "snapshot " + s.label();
        boolean[] handedOver = {false};
        try {
            return Restorer.load(what, s.kernelState(), s.metadata().getOrDefault(LAYOUT, ""), mf -> {
                handedOver[0] = fill(mf, open, what);
            }, env, acceptChangedFiles, codec, t0);
        } finally {
            if (!handedOver[0]) open.close();
        }
    }

    /** Checks the snapshot's chunks and hands them to the memory file's loader; true once it owns {@code open}. */
    private static boolean fill(MemoryFile mf, OpenSnapshot open, String what) throws ImageException {
        Snapshot s = open.snapshot();
        if (s.fileSize() != mf.capacity()) {
            throw new ImageException(what + ": its memory file (" + s.fileSize()
                    + " bytes) does not match its kernel state's (" + mf.capacity() + ")");
        }
        int n = s.chunks().size();
        long[] start = new long[n], len = new long[n];
        long lastEnd = 0;
        for (int i = 0; i < n; i++) {
            ChunkRef c = s.chunks().get(i);
            // Free space must stay zero (allocation hands it out as such): data only where memory is.
            if (c.memOffset() < lastEnd || !mf.isAllocated(c.memOffset(), c.rawLength())) {
                throw new ImageException(what + ": chunk " + i + " lies outside the sandbox's memory");
            }
            start[i] = c.memOffset();
            len[i] = c.rawLength();
            lastEnd = c.memOffset() + c.rawLength();
        }
        try {
            open.check();
        } catch (StoreException e) {
            throw new ImageException(e.getMessage(), e);
        }
        // The memory file will hold exactly these chunks (the loader's writes are not counted as
        // writes): a checkpoint of the restored sandbox into the same store reuses those nobody
        // writes meanwhile, unread, as a second checkpoint does.
        if (s.chunkSize() == Store.CHUNK_SIZE && MemoryFile.GRANULE == Store.CHUNK_SIZE) {
            List<Range> ranges = new ArrayList<>();
            for (long[] r : mf.allocatedRanges()) ranges.add(new Range(r[0], r[1]));
            mf.restartTracking();
            remember(mf, open.store(), s.chunks(), ranges);
        }
        if (n == 0) return false;
        mf.startLoading(new MemoryLoader(what, start, len, new MemoryLoader.Filler() {
            @Override
            public void fill(int piece, long fileOffset, long length, long address) throws StoreException {
                open.read(piece, Host.directBuffer(address, (int) length));
            }

            @Override
            public void close() {
                open.close();
            }
        }));
        return true;
    }

    private static void describe(Kernel kernel, Map<String, String> meta) {
        StringBuilder procs = new StringBuilder(), files = new StringBuilder();
        for (var e : kernel.tasks().entrySet()) {
            var t = e.getValue();
            procs.append(e.getKey()).append('\t').append(clean(t.comm())).append('\t').append(clean(t.execPath())).append('\n');
            var fds = t.fds();
            if (fds == null) continue;
            int seen = 0;
            for (int fd = 0; fd < fds.limit() && seen < fds.size(); fd++) {
                if (!fds.isOpen(fd)) continue;
                seen++;
                files.append(e.getKey()).append('\t').append(fd).append('\t').append(clean(fds.get(fd).path())).append('\n');
            }
        }
        meta.put(PROCESSES, procs.toString());
        meta.put(FILES, files.toString());
    }

    /** Names from the program may hold anything: no tabs or newlines in a line-and-tab list. */
    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ');
    }

    /** The memory file's allocated ranges, read through the Sentry's mapping. */
    private static final class Source implements MemorySource {
        private final MemoryFile mf;
        private final List<Range> ranges = new ArrayList<>();
        /** The previous snapshot's slots, and the granules written since it began; null: unknown. */
        private final Previous prev;
        private final java.util.BitSet written;

        Source(MemoryFile mf, Previous prev, java.util.BitSet written) {
            this.mf = mf;
            this.prev = prev;
            this.written = written;
            for (long[] r : mf.allocatedRanges()) ranges.add(new Range(r[0], r[1]));
        }

        @Override
        public List<ChunkRef> previous(long offset, int length) {
            return prev == null ? null : prev.slots().get(offset); // the writer checks it covers the slot
        }

        @Override
        public boolean written(long offset, int length) {
            return MemoryFile.anyWritten(written, offset, length);
        }

        @Override
        public long size() {
            return mf.capacity();
        }

        @Override
        public List<Range> ranges() {
            return ranges;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            dst.put(readView(offset, dst.remaining()));
        }

        @Override
        public ByteBuffer readView(long offset, int length) {
            return Host.directBuffer(mf.address(offset, length), length).asReadOnlyBuffer();
        }
    }
}
