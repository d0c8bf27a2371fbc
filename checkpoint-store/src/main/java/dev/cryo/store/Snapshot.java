package dev.cryo.store;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A snapshot's manifest, whole: who it is (id, name:tag, the sandbox it came from, its parent
 * snapshot), when and how big, the caller's metadata (e.g. the kernel-state layout fingerprint),
 * the kernel-state blob, and the memory file as chunks with their locations. Restore needs this
 * and the packs, nothing else. Immutable.
 *
 * @param id          24 hex digits, random, fixed for the snapshot's life (gc may move its chunks)
 * @param name        "" if unnamed; letters, digits, '.', '_', '-'
 * @param tag         "latest" unless given
 * @param source      the sandbox it was taken from ("" if unknown)
 * @param parent      the snapshot it followed ("" if none)
 * @param created     ms since the epoch
 * @param logicalSize bytes of the memory file's allocated ranges (application memory)
 * @param fileSize    the memory file's logical size (its sparse length)
 * @param chunkSize   the chunk size it was cut with
 * @param chunks      the pieces of memory that is not zero, in memory order (whole chunks, or windows
 *                    of chunks where a slot was stored as its changed blocks); all else is zero
 */
public record Snapshot(String id, String name, String tag, String source, String parent, long created,
        long logicalSize, long fileSize, int chunkSize, Map<String, String> metadata, byte[] kernelState,
        List<ChunkRef> chunks) {
    static final Pattern ID = Pattern.compile("[0-9a-f]{24}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public Snapshot {
        metadata = Map.copyOf(metadata);
        chunks = List.copyOf(chunks);
    }

    /** "name:tag", or the id if unnamed. */
    public String label() {
        return name.isEmpty() ? id : name + ":" + tag;
    }

    /** Bytes its chunks take in the packs (shared ones included). */
    public long storedSize() {
        long n = 0;
        for (ChunkRef c : chunks) n += c.storedLength() + PackRecord.HEADER;
        return n;
    }

    /** A snapshot with the same identity and contents whose chunks are {@code moved}. */
    Snapshot withChunks(List<ChunkRef> moved) {
        return new Snapshot(id, name, tag, source, parent, created, logicalSize, fileSize, chunkSize, metadata,
                kernelState, moved);
    }

    static void checkName(String what, String s) {
        if (!s.isEmpty() && !NAME.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " '" + s
                    + "' is not valid: 1-128 letters, digits, '.', '_' or '-', not starting with a sign");
        }
    }
}
