package dev.cryo.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A content-addressed snapshot store in one directory (layout in {@link StoreLayout}); the API the
 * CLI and the Sentry's checkpoint use (see package-info). Thread-safe; any number of processes
 * may use one store: writers take turns, readers share (see {@link StoreLock}).
 */
public final class Store implements AutoCloseable {
    /**
     * The chunk size. 64 KiB: on memory-like data zstd level 1 runs 1.3 GB/s per core here at 64
     * KiB and 256 KiB, but only 0.87 GB/s at 4-16 KiB (per-call overhead); SHA-256 is flat. Smaller
     * chunks would dedup sparse page changes better, larger ones make manifests smaller; 64 KiB
     * keeps a 200 MiB snapshot's chunk list at ~220 KB (docs/store.md has the measurements).
     */
    public static final int CHUNK_SIZE = 64 << 10;

    private final StoreLayout layout;
    private final StoreLock lock;
    /** This process's open chunk index, kept between writes; null until the first. Guarded by the exclusive lock. */
    private ChunkIndex index;
    /** Checkpoints begun and not finished in this process. */
    /** Checkpoints under way in this JVM, into any store: a rehearsal gives way to them. */
    private static final java.util.concurrent.atomic.AtomicInteger checkpointing = new java.util.concurrent.atomic.AtomicInteger();

    private Store(StoreLayout layout) throws IOException {
        this.layout = layout;
        this.lock = StoreLock.of(layout.lockFile());
    }

    /** Opens the store at {@code root}, creating it if needed. Opening touches neither index nor packs. */
    public static Store open(Path root) throws StoreException {
        try {
            return new Store(StoreLayout.create(root, ManifestCodec.MAX_CHUNK));
        } catch (IOException e) {
            throw StoreException.of("store " + root + " cannot be opened", e);
        }
    }

    public Path root() {
        return layout.root();
    }

    /**
     * Checkpoints into the store: {@code memory}'s non-zero chunks not yet stored are compressed
     * and appended to new packs, synced, then the manifest is committed. Returns once the
     * snapshot is durable. On any failure (disk full included) nothing is committed and the
     * packs it began are removed.
     */
    public CheckpointResult checkpoint(byte[] kernelState, MemorySource memory, Labels labels, Progress progress)
            throws StoreException {
        checkpointing.incrementAndGet(); // a rehearsal under way gives way (prepareWriter)
        try (StoreLock.Held h = lock.exclusive()) {
            long t0 = System.nanoTime();
            ChunkIndex ix = indexLocked(countSlots(memory));
            long indexNanos = System.nanoTime() - t0;
            return new SnapshotWriter(layout, ix, CHUNK_SIZE).write(kernelState, memory, labels, progress)
                    .withIndexNanos(indexNanos);
        } catch (IOException e) {
            throw StoreException.of("checkpoint into " + root(), e);
        } finally {
            checkpointing.decrementAndGet();
        }
    }

    private static long countSlots(MemorySource memory) {
        long n = 0;
        for (Range r : memory.ranges()) n += r.length() / CHUNK_SIZE + 2;
        return n;
    }

    /** Whether {@code root} holds a store (one {@link #open} made): opening creates one, this does not. */
    public static boolean exists(Path root) {
        return StoreLayout.exists(root);
    }

    /**
     * Gets this process ready to write fast, for one that may checkpoint later (a sandbox's
     * host): opens its index now (under the exclusive lock, as a writer; ~150 ms in a fresh JVM)
     * and rehearses a checkpoint's per-chunk work on scratch data so that the JIT compiles it
     * now ({@link Warmup}: ~1 s of CPU once; nothing written but a scratch index in {@code tmp/},
     * deleted after). A checkpoint that comes meanwhile waits for the index to be open, and the
     * rehearsal stops for it.
     */
    public void prepareWriter() throws StoreException {
        try {
            try (StoreLock.Held h = lock.exclusive()) {
                indexLocked(0);
            }
            Warmup.run(Warmup.CHUNKS, () -> checkpointing.get() > 0, layout.tmpDir());
        } catch (IOException e) {
            throw StoreException.of("index of " + root(), e);
        }
    }

    /**
     * {@link #prepareWriter}'s rehearsal for a process whose store does not exist yet (running a
     * sandbox does not create one): the JIT's part of a first checkpoint done ahead, its scratch
     * index in a temporary directory, deleted after. The index is opened, created, by the first
     * checkpoint (~130 ms for a new store, measured), the rest of its ~300 ms of JIT is not.
     */
    public static void rehearseWriter() throws StoreException {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("cryo-rehearsal");
            Warmup.run(Warmup.CHUNKS, () -> checkpointing.get() > 0, tmp);
        } catch (IOException e) {
            throw StoreException.of("rehearsal in " + tmp, e);
        } finally {
            if (tmp != null) {
                try (var s = Files.list(tmp)) {
                    for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a scratch file left in the temporary directory: nothing else depends on it
                }
            }
        }
    }

    /** This process's open index, or null; for tests (read on the thread that wrote it). */
    ChunkIndex heldIndex() {
        return index;
    }

    /** Opens this process's index now (as a long-lived process has it open already); for benchmarks. */
    void indexLockedForBench() throws StoreException {
        try (StoreLock.Held h = lock.exclusive()) {
            indexLocked(0);
        } catch (IOException e) {
            throw StoreException.of("index of " + root(), e);
        }
    }

    /** The index, for a writer adding up to {@code adding} chunks (rebuilt if untrusted); under the exclusive lock. */
    ChunkIndex indexLocked(long adding) throws IOException {
        ChunkIndex held = index;
        index = null; // if acquire fails, the old one is closed or unusable
        index = ChunkIndex.acquire(layout.indexDir(), () -> {
            List<ChunkRef> all = new ArrayList<>();
            for (Snapshot s : readAll(null, false).values()) all.addAll(s.chunks());
            return all;
        }, adding, held);
        return index;
    }

    /**
     * Restores snapshot {@code ref} (id, unique id prefix, or name[:tag]) into {@code sink};
     * returns its manifest (kernel-state blob, metadata). Reads only the manifest and the packs.
     * {@code rehash}: also check every chunk's SHA-256 (verify does; restore's default relies on
     * each record's CRC32C, ~free, against damage on disk).
     */
    public Snapshot restore(String ref, MemorySink sink, boolean rehash, Progress progress) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            Snapshot s = layout.manifests().read(resolveLocked(ref));
            SnapshotReader.read(layout.packs(), s, sink, rehash, progress);
            return s;
        }
    }

    /**
     * Opens snapshot {@code ref} for a lazy restore: its manifest, and its chunks readable one by
     * one while it stays open (see {@link OpenSnapshot}). Never opens the index.
     */
    public OpenSnapshot openSnapshot(String ref) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            Snapshot s = layout.manifests().read(resolveLocked(ref));
            return OpenSnapshot.open(layout.root(), layout.packs(), s, ManifestCodec.MAX_CHUNK);
        }
    }

    /**
     * Fills {@code sink} with the memory of {@code s}, a manifest read by {@link #manifest}: the
     * Sentry's order (manifest, check its layout, build the kernel and its new memfd of
     * {@code s.fileSize()}, then the memory). gc may have moved its chunks in between: their
     * locations are read again.
     */
    public void restoreMemory(Snapshot s, MemorySink sink, boolean rehash, Progress progress) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            Snapshot now;
            try {
                now = layout.manifests().read(s.id());
            } catch (StoreException e) {
                throw new StoreException("snapshot " + s.label() + " is gone or damaged since its manifest was read: "
                        + e.getMessage(), e);
            }
            if (now.chunks().size() != s.chunks().size() || now.fileSize() != s.fileSize()) {
                throw new StoreException("snapshot " + s.label() + " changed since its manifest was read");
            }
            SnapshotReader.read(layout.packs(), now, sink, rehash, progress);
        }
    }

    /** The manifest of {@code ref}, without its memory. */
    public Snapshot manifest(String ref) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            return layout.manifests().read(resolveLocked(ref));
        }
    }

    /** The full id {@code ref} names. */
    public String resolve(String ref) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            return resolveLocked(ref);
        }
    }

    private String resolveLocked(String ref) throws StoreException {
        // A whole id (what checkpoint printed) is its manifest's name: no listing, no reads.
        if (Snapshot.ID.matcher(ref).matches() && layout.manifests().exists(ref)) return ref;
        List<String> ids;
        try {
            ids = layout.manifests().ids();
        } catch (IOException e) {
            throw StoreException.of("store " + root(), e);
        }
        if (ids.contains(ref)) return ref;
        if (ref.matches("[0-9a-f]{4,23}")) {
            List<String> hits = ids.stream().filter(i -> i.startsWith(ref)).toList();
            if (hits.size() == 1) return hits.get(0);
            if (hits.size() > 1) throw new StoreException("snapshot id prefix " + ref + " is ambiguous: " + hits);
        }
        Labels l;
        try {
            l = Labels.named(ref);
        } catch (IllegalArgumentException e) {
            throw new StoreException("no snapshot " + ref);
        }
        // By the summaries at the head of each manifest: a name costs a 4 KiB read per snapshot.
        // One that cannot be read that way is read whole (and if damaged, cannot match).
        String best = null;
        long bestCreated = Long.MIN_VALUE;
        for (String id : ids) {
            ManifestCodec.Summary s = layout.manifests().summary(id);
            if (s == null) {
                try {
                    Snapshot full = layout.manifests().read(id);
                    s = new ManifestCodec.Summary(full.id(), full.name(), full.tag(), full.created());
                } catch (StoreException e) {
                    continue;
                }
            }
            if (!l.name().isEmpty() && s.name().equals(l.name()) && s.tag().equals(l.tag()) && s.created() > bestCreated) {
                best = id;
                bestCreated = s.created();
            }
        }
        if (best == null) throw new StoreException("no snapshot " + ref);
        return best;
    }

    /**
     * Every readable manifest by id, in id order; those that cannot be read are put in
     * {@code damaged} (id to reason) if given, else skipped.
     */
    Map<String, Snapshot> readAll(Map<String, String> damaged, boolean rehash) throws StoreException {
        Map<String, Snapshot> out = new LinkedHashMap<>();
        try {
            for (String id : layout.manifests().ids()) {
                try {
                    out.put(id, rehash ? layout.manifests().readRehashed(id) : layout.manifests().read(id));
                } catch (StoreException e) {
                    if (damaged != null) damaged.put(id, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw StoreException.of("store " + root(), e);
        }
        return out;
    }

    /** The snapshots, oldest first (unreadable manifests are left out: {@link #verify} names them). */
    public List<SnapshotSummary> list() throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            Map<String, Snapshot> all = readAll(null, false);
            Map<ChunkRef.Location, Integer> users = users(all.values());
            List<SnapshotSummary> out = new ArrayList<>();
            for (Snapshot s : all.values()) out.add(summary(s, users));
            out.sort(Comparator.comparingLong(SnapshotSummary::created).thenComparing(SnapshotSummary::id));
            return out;
        }
    }

    /** How many snapshots use each stored chunk. */
    static Map<ChunkRef.Location, Integer> users(Iterable<Snapshot> all) {
        Map<ChunkRef.Location, Integer> users = new HashMap<>();
        for (Snapshot s : all) {
            for (ChunkRef.Location l : distinct(s).keySet()) users.merge(l, 1, Integer::sum);
        }
        return users;
    }

    /** A snapshot's distinct stored chunks. */
    static Map<ChunkRef.Location, ChunkRef> distinct(Snapshot s) {
        Map<ChunkRef.Location, ChunkRef> m = new LinkedHashMap<>();
        for (ChunkRef c : s.chunks()) m.putIfAbsent(c.location(), c);
        return m;
    }

    private SnapshotSummary summary(Snapshot s, Map<ChunkRef.Location, Integer> users) {
        long stored = manifestSize(s.id()), unique = stored;
        for (Map.Entry<ChunkRef.Location, ChunkRef> e : distinct(s).entrySet()) {
            long n = e.getValue().storedLength() + PackRecord.HEADER;
            stored += n;
            if (users.getOrDefault(e.getKey(), 0) <= 1) unique += n;
        }
        return new SnapshotSummary(s.id(), s.name(), s.tag(), s.created(), s.logicalSize(), stored, unique, s.source(),
                s.parent(), s.chunks().size());
    }

    private long manifestSize(String id) {
        try {
            return Files.size(layout.manifests().path(id));
        } catch (IOException e) {
            return 0;
        }
    }

    /** The store's side of a snapshot, for {@code cryo snapshot inspect}. */
    public Inspection inspect(String ref) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            String id = resolveLocked(ref);
            Map<String, Snapshot> all = readAll(null, false);
            Snapshot s = all.get(id);
            if (s == null) s = layout.manifests().read(id); // throws the reason it is unreadable
            Map<ChunkRef.Location, Integer> users = users(all.values());
            List<Inspection.Chunk> chunks = new ArrayList<>();
            long raw = 0, sharedBytes = 0;
            int shared = 0;
            for (ChunkRef c : s.chunks()) {
                raw += c.rawLength();
                chunks.add(new Inspection.Chunk(c.memOffset(), c.rawLength(), c.hashHex(), Packs.name(c.packId()),
                        c.packOffset(), c.storedLength(), c.raw(), users.getOrDefault(c.location(), 1) - 1, c.skip(),
                        c.recordLength()));
            }
            Map<ChunkRef.Location, ChunkRef> mine = distinct(s);
            for (Map.Entry<ChunkRef.Location, ChunkRef> e : mine.entrySet()) {
                if (users.getOrDefault(e.getKey(), 1) > 1) {
                    shared++;
                    sharedBytes += e.getValue().storedLength() + PackRecord.HEADER;
                }
            }
            return new Inspection(summary(s, users), s, manifestSize(id), s.logicalSize() - raw, mine.size(), shared,
                    sharedBytes, chunks);
        }
    }

    /** Removes snapshot {@code ref}; its chunks stay until {@link #gc} finds no other user. Returns its id. */
    public String rm(String ref) throws StoreException {
        try (StoreLock.Held h = lock.exclusive()) {
            String id = resolveLocked(ref);
            layout.manifests().delete(id);
            return id;
        } catch (IOException e) {
            throw StoreException.of("rm " + ref, e);
        }
    }

    /** Reclaims what no snapshot uses (see {@link Gc}). */
    public Gc.Result gc() throws StoreException {
        try (StoreLock.Held h = lock.exclusive()) {
            if (index != null) {
                index.close(); // gc deletes every generation; the next write rebuilds
                index = null;
            }
            return new Gc(layout, readAllStrict()).run();
        } catch (IOException e) {
            throw StoreException.of("gc of " + root(), e);
        }
    }

    /** All manifests, or an exception naming the first unreadable one: gc must know every user. */
    private Map<String, Snapshot> readAllStrict() throws StoreException {
        Map<String, String> damaged = new LinkedHashMap<>();
        Map<String, Snapshot> all = readAll(damaged, false);
        if (!damaged.isEmpty()) {
            throw new StoreException("gc refused: a manifest cannot be read, so what it uses is unknown: "
                    + damaged.values().iterator().next() + " (rm it first if it is lost)");
        }
        return all;
    }

    /** Rehashes every chunk of {@code ref}, or of every snapshot if null (see {@link Verifier}). */
    public VerifyReport verify(String ref, Progress progress) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            Map<String, String> damaged = new LinkedHashMap<>();
            Map<String, Snapshot> all;
            if (ref == null) {
                all = readAll(damaged, true);
            } else {
                String id = resolveLocked(ref);
                all = new LinkedHashMap<>();
                try {
                    all.put(id, layout.manifests().readRehashed(id));
                } catch (StoreException e) {
                    damaged.put(id, e.getMessage());
                }
            }
            return Verifier.verify(layout.packs(), all, damaged, progress);
        }
    }

    /** Writes snapshot {@code ref} and its chunks to one self-contained file (see {@link Transfer}). */
    public void exportTo(String ref, Path file) throws StoreException {
        try (StoreLock.Held h = lock.shared()) {
            Transfer.export(layout, layout.manifests().read(resolveLocked(ref)), file);
        }
    }

    /** Imports an exported file (untrusted: every byte checked before anything is committed); returns the snapshot. */
    public Snapshot importFrom(Path file) throws StoreException {
        try (StoreLock.Held h = lock.exclusive()) {
            return Transfer.importFile(layout, this::indexLocked, file);
        } catch (IOException e) {
            throw StoreException.of("import of " + file, e);
        }
    }

    /** Closes this process's index (cleanly: the next opener trusts it) and pack readers. */
    @Override
    public void close() {
        try (StoreLock.Held h = lock.localExclusive()) {
            if (index != null) index.close();
            index = null;
        } catch (IOException e) {
            // an index not closed cleanly is rebuilt by the next writer: nothing is lost
        }
        layout.packs().close();
    }
}
