package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The chunk index: SHA-256 → where the chunk is stored, a persisted Chronicle Map
 * ({@code index/chunks-<capacity>.cmap}). Derived data: it holds the chunks of the committed
 * manifests, and is rebuilt from them whenever it cannot be trusted. Only writers (under the
 * store's exclusive lock) open it, and restore never does (opening costs ~0.3-0.5 s, and more
 * the first time in a JVM: FIELD-NOTES.md).
 *
 * <p>Its quirks (FIELD-NOTES.md), handled:
 * <ul>
 *   <li>An unclean shutdown can leave a segment lock held and a put half-done. A marker
 *       {@code index/open} exists while a process has the map open; found at open, the map is
 *       thrown away and rebuilt from the manifests (milliseconds per snapshot) rather than
 *       repaired with {@code recoverPersistedTo}, which keeps entries but not their meaning.</li>
 *   <li>Capacity is fixed at creation: a map about to pass 3/4 of it is replaced by one twice as
 *       big, rebuilt from the manifests.</li>
 *   <li>gc moves and deletes chunks: it deletes the index first ({@link #invalidate}).</li>
 *   <li>Analytics are excluded from the build and disabled by property here and in the argLine.</li>
 * </ul>
 * Lookups are checked by the caller against the packs present and the chunk's length, so a
 * wrong entry costs a missed dedup at worst, never a wrong snapshot.
 */
final class ChunkIndex implements AutoCloseable {
    private static final Pattern FILE = Pattern.compile("chunks-(\\d+)\\.cmap");
    private static final int VALUE = 8 + 8 + 4 + 4 + 4 + 1;
    static final long MIN_CAPACITY = 1 << 16;

    static {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    private final Path dir;
    private final ChronicleMap<byte[], byte[]> map;
    private final long capacity;

    private ChunkIndex(Path dir, ChronicleMap<byte[], byte[]> map, long capacity) {
        this.dir = dir;
        this.map = map;
        this.capacity = capacity;
    }

    /** The source of truth an index is rebuilt from: every chunk of every committed manifest. */
    interface Chunks {
        List<ChunkRef> all() throws IOException;
    }

    /**
     * Opens the index for a writer that will add up to {@code adding} chunks, rebuilding it from
     * {@code truth} if it is missing, was left open by a dead process, or would pass its capacity.
     */
    static ChunkIndex open(Path dir, Chunks truth, long adding) throws IOException {
        Path marker = dir.resolve("open");
        Path existing = null;
        long cap = 0;
        for (Path p : files(dir)) {
            Matcher m = FILE.matcher(p.getFileName().toString());
            m.matches();
            if (existing == null) {
                existing = p;
                cap = Long.parseLong(m.group(1));
            } else {
                Files.delete(p); // two maps: a rebuild was interrupted; keep one, it is checked below
            }
        }
        boolean trusted = existing != null && !Files.exists(marker) && cap >= MIN_CAPACITY;
        if (trusted) {
            createMarker(marker);
            ChronicleMap<byte[], byte[]> m = null;
            try {
                m = build(cap).createPersistedTo(existing.toFile());
                if (m.longSize() + adding <= cap * 3 / 4) return new ChunkIndex(dir, m, cap);
            } catch (IOException | RuntimeException e) {
                // a damaged map file: rebuilt below
            }
            if (m != null) m.close();
        }
        createMarker(marker);
        return rebuild(dir, truth, adding);
    }

    private static ChunkIndex rebuild(Path dir, Chunks truth, long adding) throws IOException {
        for (Path p : files(dir)) Files.delete(p);
        List<ChunkRef> all = truth.all();
        long cap = MIN_CAPACITY;
        while (cap * 3 / 4 < 2 * (all.size() + adding)) cap *= 2;
        Path file = dir.resolve("chunks-" + cap + ".cmap");
        ChronicleMap<byte[], byte[]> m = build(cap).createPersistedTo(file.toFile());
        ChunkIndex ix = new ChunkIndex(dir, m, cap);
        ix.putAll(all);
        return ix;
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<byte[], byte[]> build(long capacity) {
        return ChronicleMap.of(byte[].class, byte[].class).name("cryo-chunk-index")
                .constantKeySizeBySample(new byte[Hashes.SIZE]).constantValueSizeBySample(new byte[VALUE])
                .entries(capacity);
    }

    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "chunks-*.cmap")) {
            for (Path p : ds) if (FILE.matcher(p.getFileName().toString()).matches()) out.add(p);
        }
        out.sort(null);
        return out;
    }

    private static void createMarker(Path marker) throws IOException {
        if (!Files.exists(marker)) {
            Files.write(marker, new byte[0]);
            Durable.syncDir(marker.getParent());
        }
    }

    /** Deletes the index (gc, before it moves or deletes chunks); the next writer rebuilds it. */
    static void invalidate(Path dir) throws IOException {
        createMarker(dir.resolve("open")); // first: a crash in the middle still leaves it untrusted
        for (Path p : files(dir)) Files.delete(p);
        Durable.syncDir(dir);
    }

    long capacity() {
        return capacity;
    }

    long size() {
        return map.longSize();
    }

    /** Where a chunk with this hash is stored (memory offset 0), or null. */
    ChunkRef get(byte[] hash) {
        byte[] v = map.get(hash);
        if (v == null || v.length != VALUE) return null;
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        return new ChunkRef(0, b.getInt(20), hash, b.getLong(0), b.getLong(8), b.getInt(16), b.get(28) != 0,
                b.getInt(24));
    }

    void putAll(List<ChunkRef> chunks) {
        for (ChunkRef c : chunks) {
            ByteBuffer b = ByteBuffer.allocate(VALUE).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(c.packId()).putLong(c.packOffset()).putInt(c.storedLength()).putInt(c.rawLength())
                    .putInt(c.crc()).put((byte) (c.raw() ? 1 : 0));
            map.put(c.hash(), b.array());
        }
    }

    /** Closes the map; once closed cleanly the marker goes and the next opener trusts it. */
    @Override
    public void close() throws IOException {
        map.close();
        Files.deleteIfExists(dir.resolve("open"));
    }
}
