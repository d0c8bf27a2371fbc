package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The chunk index: SHA-256 → where the chunk is stored, a persisted Chronicle Map
 * ({@code index/chunks-<generation>-<capacity>.cmap}). Derived data: it holds the chunks of the
 * committed manifests and is rebuilt from them, under a new generation, whenever it cannot be
 * trusted. Only writers use it, under the store's exclusive lock; a process keeps its map open
 * between operations (opening costs ~0.3-2 s: FIELD-NOTES.md), and restore never opens it.
 *
 * <p>Its quirks (FIELD-NOTES.md), handled:
 * <ul>
 *   <li>Unclean shutdown: a process that dies with the map open can leave a segment lock held
 *       (the next access blocks ~60 s, then throws) or a put half-done. Each opener leaves a
 *       marker {@code index/open.<pid>.<nonce>} holding its process start time while it has the
 *       map open; a marker whose process is gone means an unclean shutdown, and the map is
 *       rebuilt from the manifests under a new generation (milliseconds per snapshot) rather than
 *       repaired in place with {@code recoverPersistedTo}, which needs every other process to
 *       have closed it.</li>
 *   <li>Capacity is fixed at creation: a map about to pass 3/4 of it is replaced by one twice
 *       as big, rebuilt from the manifests.</li>
 *   <li>gc moves and deletes chunks: it deletes the map ({@link #invalidate}). A process still
 *       holding a deleted generation notices at its next operation and opens the current one.</li>
 *   <li>The class Chronicle generates and compiles with javac on first open in each JVM is made
 *       at build time (src/build/GenerateIndexClass.java); analytics are excluded from the build
 *       and disabled by property.</li>
 * </ul>
 * Lookups are checked by the caller against the packs (record header at the location), so a
 * wrong entry costs a missed dedup at worst, never a wrong snapshot.
 */
final class ChunkIndex implements AutoCloseable {
    private static final Pattern FILE = Pattern.compile("chunks-(\\d+)-(\\d+)\\.cmap");
    private static final Pattern MARKER = Pattern.compile("open\\.(\\d+)\\.[0-9a-f]+");
    private static final int VALUE = 8 + 8 + 4 + 4 + 4 + 1;
    static final long MIN_CAPACITY = 1 << 16;

    static {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    private final Path file;
    private final Path marker;
    private final ChronicleMap<byte[], byte[]> map;
    private final long capacity;
    /** Set when a put failed half-way (e.g. disk full under the sparse map: a fault): rebuilt at the next write. */
    private volatile boolean poisoned;

    private ChunkIndex(Path file, Path marker, ChronicleMap<byte[], byte[]> map, long capacity) {
        this.file = file;
        this.marker = marker;
        this.map = map;
        this.capacity = capacity;
    }

    /** The source of truth an index is rebuilt from: every chunk of every committed manifest. */
    interface Chunks {
        List<ChunkRef> all() throws IOException;
    }

    /**
     * The index for a writer about to add up to {@code adding} chunks: {@code current} (this
     * process's, may be null) if it is still the store's trusted index with room, else the
     * store's current map, else a rebuilt one. A {@code current} not returned is closed.
     * Call under the store's exclusive lock.
     */
    static ChunkIndex acquire(Path dir, Chunks truth, long adding, ChunkIndex current) throws IOException {
        boolean unclean = removeDeadMarkers(dir);
        Path latest = null;
        for (Path p : files(dir)) {
            if (latest != null) deleteMap(latest); // an older generation nobody should open
            latest = p;
        }
        if (current != null && current.poisoned) {
            current.close();
            unclean = true;
        } else if (current != null) {
            if (!unclean && current.file.equals(latest) && current.map.longSize() + adding <= current.capacity * 3 / 4) {
                return current;
            }
            current.close();
        }
        long generation = 0;
        if (latest != null) {
            Matcher m = FILE.matcher(latest.getFileName().toString());
            m.matches();
            generation = Long.parseLong(m.group(1));
            long cap = Long.parseLong(m.group(2));
            if (!unclean && cap >= MIN_CAPACITY && wholeSize(latest)) {
                Path marker = createMarker(dir);
                try {
                    ChronicleMap<byte[], byte[]> map = build(cap).createPersistedTo(latest.toFile());
                    if (map.longSize() + adding <= cap * 3 / 4) return new ChunkIndex(latest, marker, map, cap);
                    map.close();
                } catch (IOException | RuntimeException e) {
                    // a damaged map file: rebuilt below
                }
                Files.deleteIfExists(marker);
            }
        }
        return rebuild(dir, generation + 1, truth, adding);
    }

    private static ChunkIndex rebuild(Path dir, long generation, Chunks truth, long adding) throws IOException {
        deleteMaps(dir);
        List<ChunkRef> all = truth.all();
        long cap = MIN_CAPACITY;
        while (cap * 3 / 4 < 2 * (all.size() + adding)) cap *= 2;
        Path file = dir.resolve("chunks-" + generation + "-" + cap + ".cmap");
        Path marker = createMarker(dir);
        ChronicleMap<byte[], byte[]> m = build(cap).createPersistedTo(file.toFile());
        Files.writeString(sizeFile(file), Long.toString(Files.size(file)));
        ChunkIndex ix = new ChunkIndex(file, marker, m, cap);
        ix.putAll(all);
        return ix;
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<byte[], byte[]> build(long capacity) {
        return ChronicleMap.of(byte[].class, byte[].class).name("cryo-chunk-index")
                .constantKeySizeBySample(new byte[Hashes.SIZE]).constantValueSizeBySample(new byte[VALUE])
                .entries(capacity);
    }

    private static Path sizeFile(Path map) {
        return map.resolveSibling(map.getFileName() + ".size");
    }

    /**
     * Whether the map file is at least as long as when it was made. Chronicle waits ~60 s on a
     * truncated or never-finished file before it throws; this check skips that wait. (A file of
     * the right length with a garbage header still costs the wait once, then is rebuilt.)
     */
    private static boolean wholeSize(Path map) {
        try {
            return Files.size(map) >= Long.parseLong(Files.readString(sizeFile(map)).trim());
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** The map files, oldest generation first. */
    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "chunks-*.cmap")) {
            for (Path p : ds) if (FILE.matcher(p.getFileName().toString()).matches()) out.add(p);
        }
        out.sort((a, b) -> Long.compare(generation(a), generation(b)));
        return out;
    }

    private static long generation(Path p) {
        Matcher m = FILE.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** This process's marker: its pid in the name, its start time inside (pids are reused). */
    private static Path createMarker(Path dir) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Path marker = dir.resolve("open." + self.pid() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.writeString(marker, startTime(self).orElse("?"));
        Durable.syncDir(dir);
        return marker;
    }

    private static Optional<String> startTime(ProcessHandle p) {
        return p.info().startInstant().map(i -> Long.toString(i.toEpochMilli()));
    }

    private static void deleteMaps(Path dir) throws IOException {
        for (Path p : files(dir)) deleteMap(p);
    }

    private static void deleteMap(Path p) throws IOException {
        Files.deleteIfExists(sizeFile(p)); // first: a map without its size is not trusted
        Files.deleteIfExists(p);
    }

    /** Removes the markers of processes that are gone; true if there were any (an unclean shutdown). */
    private static boolean removeDeadMarkers(Path dir) throws IOException {
        boolean dead = false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "open.*")) {
            for (Path p : ds) {
                Matcher m = MARKER.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                String started;
                try {
                    started = Files.readString(p);
                } catch (NoSuchFileException e) {
                    continue;
                }
                Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(m.group(1)));
                boolean alive = h.isPresent() && h.get().isAlive() && startTime(h.get()).orElse("?").equals(started);
                if (!alive) {
                    Files.deleteIfExists(p);
                    dead = true;
                }
            }
        }
        return dead;
    }

    /** Deletes the index (gc, before it moves or deletes chunks); the next writer rebuilds it. */
    static void invalidate(Path dir) throws IOException {
        deleteMaps(dir);
        Durable.syncDir(dir);
    }

    long capacity() {
        return capacity;
    }

    /** An index in memory only, built as the real one, for {@link Warmup}: closing it deletes nothing. */
    static ChunkIndex scratch(long entries) {
        long cap = Math.max(MIN_CAPACITY, entries);
        return new ChunkIndex(null, null, build(cap).create(), cap);
    }

    /**
     * As {@link #scratch(long)}, but in the new file {@code file}, which the caller deletes: a
     * map in a file reads its entries through other classes than one in memory, and code the JIT
     * compiled on the one was thrown away on the other (class checks in Chronicle's hashing:
     * ~300 ms of C2 during the checkpoint, measured with -XX:+LogCompilation).
     */
    static ChunkIndex scratch(long entries, Path file) throws IOException {
        long cap = Math.max(MIN_CAPACITY, entries);
        return new ChunkIndex(null, null, build(cap).createPersistedTo(file.toFile()), cap);
    }

    long size() {
        return map.longSize();
    }

    /** Where a chunk with this hash is stored (memory offset 0), or null. */
    ChunkRef get(byte[] hash) {
        byte[] v;
        try {
            v = map.get(hash);
        } catch (RuntimeException | InternalError e) {
            poison();
            return null;
        }
        if (v == null || v.length != VALUE) return null;
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        return new ChunkRef(0, b.getInt(20), hash, b.getLong(0), b.getLong(8), b.getInt(16), b.get(28) != 0,
                b.getInt(24));
    }

    /**
     * Adds chunks (a window adds its whole chunk). A failure (a full disk under the sparse map file surfaces as a fault:
     * InternalError) poisons the index instead of failing the caller, whose snapshot may already
     * be committed: the next writer rebuilds it.
     */
    void putAll(List<ChunkRef> chunks) {
        try {
            for (ChunkRef c : chunks) {
                ByteBuffer b = ByteBuffer.allocate(VALUE).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(c.packId()).putLong(c.packOffset()).putInt(c.storedLength()).putInt(c.recordLength())
                        .putInt(c.crc()).put((byte) (c.raw() ? 1 : 0));
                map.put(c.hash(), b.array());
            }
        } catch (RuntimeException | InternalError e) {
            poison();
        }
    }

    /** Marks the map untrusted: it is deleted when closed and rebuilt by the next writer. */
    void poison() {
        poisoned = true;
    }

    /** Closes the map; cleanly (the marker goes, the next opener trusts it) unless it is poisoned. */
    @Override
    public void close() throws IOException {
        try {
            map.close();
        } catch (RuntimeException | InternalError e) {
            poisoned = true;
        }
        if (file == null) return; // scratch
        if (poisoned) {
            deleteMaps(file.getParent()); // untrusted: nobody may open it again
        }
        Files.deleteIfExists(marker);
    }
}
