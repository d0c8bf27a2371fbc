package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store's pack files ({@code packs/pack-<16 hex>.pack}, layout in {@link PackRecord}). A pack
 * is written by one writer once, appended to and synced, and never changed after: a later
 * checkpoint starts new packs, gc deletes whole packs. Pack ids are random, so packs made in two
 * stores never collide when snapshots move between them.
 *
 * <p>Reading: channels are opened on first use and kept until {@link #close}; positional reads,
 * so any number of threads may read at once.
 */
final class Packs implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("pack-([0-9a-f]{16})\\.pack");
    /** Made at the first pack, not when a store is opened: SecureRandom's providers cost ~8 ms of a restore. */
    private static final class Random {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    /** Draws once from the pack ids' random source, for {@link Warmup}. */
    static void warmRandom() {
        Random.RANDOM.nextLong();
    }

    private final Path dir;
    private final int maxRaw;
    private final Map<Long, FileChannel> open = new ConcurrentHashMap<>();
    private final Map<Long, ByteBuffer> maps = new ConcurrentHashMap<>();
    /** Sizes of committed packs, which never change (see {@link #covers}). */
    private final Map<Long, Long> sizes = new ConcurrentHashMap<>();

    Packs(Path dir, int maxRaw) {
        this.dir = dir;
        this.maxRaw = maxRaw;
    }

    static String name(long id) {
        return String.format("pack-%016x.pack", id);
    }

    Path path(long id) {
        return dir.resolve(name(id));
    }

    /** The ids of the packs on disk. */
    TreeSet<Long> ids() throws IOException {
        TreeSet<Long> ids = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) ids.add(Long.parseUnsignedLong(m.group(1), 16));
            }
        }
        return ids;
    }

    /** A new, empty pack (its header written), for one writer. */
    Writer create() throws IOException {
        Writer w = newFile();
        w.write(PackRecord.fileHeader(w.id));
        return w;
    }

    /** A new, empty file under a fresh pack id. */
    private Writer newFile() throws IOException {
        while (true) {
            long id = Random.RANDOM.nextLong();
            try {
                return new Writer(id, FileChannel.open(path(id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // one chance in 2^64 per existing pack: draw again
            }
        }
    }

    /**
     * A new, empty pack for a checkpoint's worker: written around the page cache where the file
     * system allows ({@link StagedPackWriter}), else as {@link #create}'s. Its writes are handed
     * to {@code io}.
     */
    Writer createStaged(java.util.concurrent.Executor io) throws IOException {
        Writer w = newFile();
        Writer staged;
        try {
            staged = StagedPackWriter.open(w.id, path(w.id), io);
        } catch (IOException | RuntimeException e) {
            w.close();
            Files.deleteIfExists(path(w.id));
            throw e;
        }
        if (staged == null) {
            w.write(PackRecord.fileHeader(w.id));
            return w;
        }
        w.close();
        return staged;
    }

    /**
     * An append-only pack being written; not thread-safe (each writer thread has its own). Appends
     * reach the page cache at once; {@link #sync} makes them durable.
     */
    static class Writer implements AutoCloseable {
        final long id;
        private final FileChannel ch;
        private long pos;

        Writer(long id, FileChannel ch) {
            this.id = id;
            this.ch = ch;
        }

        /** Whether an fdatasync started early on another thread shortens the final one ({@link Writeback}). */
        boolean writesBack() {
            return true;
        }

        long size() {
            return pos;
        }

        private void write(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) pos += ch.write(b, pos);
        }

        /** Appends a record (its header already made in {@code header}); returns its offset. */
        long append(ByteBuffer header, ByteBuffer data) throws IOException {
            long at = pos;
            write(header);
            write(data);
            return at;
        }

        /** fdatasync: the records written so far reach the disk. */
        void sync() throws IOException {
            ch.force(false);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    private FileChannel channel(long id) throws IOException {
        FileChannel ch = open.get(id);
        if (ch != null) return ch;
        synchronized (open) {
            ch = open.get(id);
            if (ch == null) {
                ch = FileChannel.open(path(id), StandardOpenOption.READ);
                open.put(id, ch);
            }
            return ch;
        }
    }

    /**
     * Reads the record {@code c} names into {@code into} (cleared; left flipped over the stored
     * bytes) and checks it is that chunk: header intact and matching, stored bytes' CRC.
     * Throws a {@link StoreException} naming the chunk if not.
     */
    void read(ChunkRef c, ByteBuffer into) throws StoreException {
        FileChannel ch;
        try {
            ch = channel(c.packId());
        } catch (NoSuchFileException e) {
            throw new StoreException(c + " is missing: pack " + name(c.packId()) + " does not exist", e);
        } catch (IOException e) {
            throw StoreException.of(c + " cannot be read", e);
        }
        read(ch, c, into, maxRaw);
    }

    /** As {@link #read(ChunkRef, ByteBuffer)}, from {@code ch}, the channel of {@code c}'s pack. */
    static void read(FileChannel ch, ChunkRef c, ByteBuffer into, int maxRaw) throws StoreException {
        String what = c.toString();
        try {
            into.clear().limit(PackRecord.HEADER + c.storedLength());
            long pos = c.packOffset();
            while (into.hasRemaining()) {
                int n = ch.read(into, pos);
                if (n < 0) throw new StoreException(what + " is damaged: its pack ends early");
                pos += n;
            }
        } catch (IOException e) {
            throw StoreException.of(what + " cannot be read", e);
        }
        into.flip();
        check(c, into, maxRaw);
        into.position(PackRecord.HEADER);
    }

    /** Checks that {@code rec} (header and stored bytes, from position 0) is the record of {@code c}. */
    static void check(ChunkRef c, ByteBuffer rec, int maxRaw) throws StoreException {
        PackRecord.Header h = PackRecord.parse(rec.duplicate().position(0), maxRaw);
        if (h == null || h.raw() != c.raw() || h.rawLength() != c.recordLength() || h.storedLength() != c.storedLength()
                || !java.util.Arrays.equals(h.hash(), c.hash()) || h.crc() != c.crc()) {
            throw new StoreException(c + " is damaged: its record header does not match the manifest");
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(rec.duplicate().position(PackRecord.HEADER));
        if ((int) crc.getValue() != c.crc()) {
            throw new StoreException(c + " is damaged: its stored bytes fail their checksum");
        }
    }

    /**
     * Whether the record header at {@code c}'s location is {@code c}'s: how a writer makes sure an
     * index entry is right before a new snapshot refers to it (56 bytes read, no data).
     */
    boolean holds(ChunkRef c) {
        ByteBuffer pack = mapped(c.packId());
        if (pack != null) {
            try {
                return holdsIn(pack, c, maxRaw);
            } catch (InternalError e) {
                return false; // a fault in the mapping: the pack was cut short under it
            }
        }
        ByteBuffer b = ByteBuffer.allocate(PackRecord.HEADER);
        try {
            FileChannel ch = channel(c.packId());
            long pos = c.packOffset();
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) return false;
                pos += n;
            }
        } catch (IOException e) {
            return false;
        }
        b.flip();
        return matches(c, PackRecord.parse(b, maxRaw));
    }

    /**
     * Whether pack {@code c.packId()} is long enough to hold {@code c}'s record where it says:
     * the check of a chunk its source knows unwritten since a snapshot of this store stored it.
     * Its location came from that committed snapshot, so unlike an index hit it is not looked
     * up: reading each record's header cost a page read per chunk once the pack was no longer in
     * the page cache (packs are written around it, {@link StagedPackWriter}), ~120 ms per
     * 200 MiB here (measured). A wrong location still cannot restore wrong bytes: a restore
     * checks every record's header against its manifest, and {@code verify} names it.
     */
    boolean covers(ChunkRef c) {
        Long size = sizes.get(c.packId());
        if (size == null) {
            try {
                size = channel(c.packId()).size();
            } catch (IOException e) {
                return false;
            }
            sizes.put(c.packId(), size);
        }
        return c.packOffset() >= PackRecord.FILE_HEADER
                && c.packOffset() <= size - PackRecord.HEADER - (long) c.storedLength();
    }

    /** Whether the record header at {@code c}'s offset in {@code pack} (a read-only mapping of its pack) is {@code c}'s. */
    static boolean holdsIn(ByteBuffer pack, ChunkRef c, int maxRaw) {
        if (c.packOffset() < 0 || c.packOffset() > pack.capacity() - PackRecord.HEADER) return false;
        return matches(c, PackRecord.parse(pack.slice((int) c.packOffset(), PackRecord.HEADER), maxRaw));
    }

    private static boolean matches(ChunkRef c, PackRecord.Header h) {
        return h != null && h.raw() == c.raw() && h.rawLength() == c.recordLength() && h.storedLength() == c.storedLength()
                && h.crc() == c.crc() && java.util.Arrays.equals(h.hash(), c.hash());
    }

    /**
     * Pack {@code id} as a read-only mapping of the size it had when first asked for (records
     * already in it never move), kept until {@link #close}; null if it cannot be mapped (gone,
     * over 2 GiB). A writer's {@link #holds} checks reads headers there: a pread through the
     * channel cost ~8 µs each, 26 ms of CPU for a 200 MiB checkpoint that found every chunk
     * stored already (measured).
     */
    private ByteBuffer mapped(long id) {
        ByteBuffer b = maps.get(id);
        if (b != null) return b;
        try {
            FileChannel ch = channel(id);
            long size = ch.size();
            if (size > Integer.MAX_VALUE) return null;
            ByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            ByteBuffer had = maps.putIfAbsent(id, m);
            return had != null ? had : m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads the pack file header; the pack id it names, or -1 if it is not a pack. */
    long headerId(long id) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PackRecord.FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        FileChannel ch = channel(id);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {}
        if (b.hasRemaining() || b.getLong(0) != PackRecord.FILE_MAGIC || b.getInt(8) != PackRecord.FILE_VERSION) return -1;
        return b.getLong(16);
    }

    /** Forgets (closes) the reader of a pack about to be deleted. */
    void forget(long id) {
        maps.remove(id);
        sizes.remove(id);
        FileChannel ch = open.remove(id);
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a read-only channel: nothing is lost
            }
        }
    }

    @Override
    public void close() {
        for (Long id : open.keySet()) forget(id);
    }
}
