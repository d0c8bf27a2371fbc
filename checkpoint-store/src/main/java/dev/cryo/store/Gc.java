package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Garbage collection, under the exclusive lock: deletes packs no manifest uses (leftovers of
 * interrupted checkpoints and imports, chunks of removed snapshots), rewrites packs mostly dead
 * (live records copied into a new pack, the manifests using them rewritten to point there), and
 * empties {@code tmp/}. Crash-safe at every step, in this order: the index is invalidated; the
 * new packs are written and synced; each affected manifest is replaced atomically; only then are
 * old packs deleted. A crash leaves every snapshot pointing at packs that exist; the next gc
 * finishes the job.
 */
final class Gc {
    /** A pack whose live records are less than this share of its size is rewritten. */
    static final double REWRITE_BELOW = 0.5;

    private final StoreLayout layout;
    private final Map<String, Snapshot> all;

    Gc(StoreLayout layout, Map<String, Snapshot> all) {
        this.layout = layout;
        this.all = all;
    }

    /** What gc did: packs deleted and rewritten, manifests rewritten, bytes given back, leftovers removed. */
    public record Result(int packsDeleted, int packsRewritten, int manifestsRewritten, long bytesReclaimed,
            int tmpFilesRemoved) {}

    Result run() throws IOException {
        ChunkIndex.invalidate(layout.indexDir());
        int tmp = clearTmp();
        Map<Long, Map<Long, ChunkRef>> live = new TreeMap<>();
        for (Snapshot s : all.values()) {
            for (ChunkRef c : s.chunks()) live.computeIfAbsent(c.packId(), k -> new TreeMap<>()).putIfAbsent(c.packOffset(), c);
        }
        Set<Long> onDisk = layout.packs().ids();
        List<Long> delete = new ArrayList<>();
        Map<ChunkRef.Location, ChunkRef.Location> moved = new HashMap<>();
        long reclaimed = 0;
        int rewritten = 0;
        for (long id : onDisk) {
            Path p = layout.packs().path(id);
            long size = Files.size(p);
            Map<Long, ChunkRef> mine = live.get(id);
            if (mine == null) {
                delete.add(id);
                reclaimed += size;
                continue;
            }
            long liveBytes = PackRecord.FILE_HEADER;
            for (ChunkRef c : mine.values()) liveBytes += PackRecord.HEADER + c.storedLength();
            if (liveBytes < size * REWRITE_BELOW && rewrite(id, mine.values(), moved)) {
                delete.add(id);
                reclaimed += size - liveBytes;
                rewritten++;
            }
        }
        Durable.syncDir(layout.packsDir()); // new packs' names before manifests name them
        int manifests = 0;
        for (Snapshot s : all.values()) {
            boolean touched = false;
            List<ChunkRef> chunks = new ArrayList<>(s.chunks().size());
            for (ChunkRef c : s.chunks()) {
                ChunkRef.Location to = moved.get(c.location());
                touched |= to != null;
                chunks.add(to == null ? c : c.movedTo(to.packId(), to.offset()));
            }
            if (touched) {
                layout.manifests().write(s.withChunks(chunks));
                manifests++;
            }
        }
        for (long id : delete) {
            layout.packs().forget(id);
            Files.deleteIfExists(layout.packs().path(id));
        }
        Durable.syncDir(layout.packsDir());
        return new Result(delete.size() - rewritten, rewritten, manifests, reclaimed, tmp);
    }

    /**
     * Copies the live records of pack {@code id} into a new pack, synced; false (and the old pack
     * kept) if one of them is damaged: gc does not decide what damage means, verify reports it.
     */
    private boolean rewrite(long id, Iterable<ChunkRef> records, Map<ChunkRef.Location, ChunkRef.Location> moved)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(PackRecord.HEADER + Compression.bound(ManifestCodec.MAX_CHUNK));
        Map<ChunkRef.Location, ChunkRef.Location> mine = new HashMap<>();
        Packs.Writer w = layout.packs().create();
        try {
            for (ChunkRef c : records) {
                try {
                    layout.packs().read(c, buf);
                } catch (StoreException e) {
                    w.close();
                    Files.deleteIfExists(layout.packs().path(w.id));
                    return false;
                }
                buf.position(0);
                long at = w.append(buf, ByteBuffer.allocate(0));
                mine.put(c.location(), new ChunkRef.Location(w.id, at));
            }
            w.sync();
            w.close();
        } catch (IOException e) {
            w.close();
            Files.deleteIfExists(layout.packs().path(w.id));
            throw e;
        }
        moved.putAll(mine);
        return true;
    }

    private int clearTmp() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.tmpDir())) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
                    Files.delete(p);
                    n++;
                }
            }
        }
        return n;
    }
}
