package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The memory file as a checkpoint sees it: its logical size, the ranges that may hold data, and a
 * way to read them. Everything outside the ranges is zero. The Sentry implements it over its
 * memfd (a view of its own mapping: no copy at all); {@link FileMemory} implements it over any file.
 * Called from several threads at once, on disjoint stretches.
 */
public interface MemorySource {
    /** The file's logical size (a sparse memfd may be 1 TiB). */
    long size();

    /** Allocated ranges in offset order, disjoint, page-aligned, within {@link #size()}. */
    List<Range> ranges();

    /** Fills {@code dst} (its remaining bytes) from {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * A read-only view of {@code length} bytes at {@code offset} valid until the checkpoint
     * returns (for an mmap'd memfd, a slice of the mapping), or null to have the store
     * {@link #read} into its own buffer instead.
     */
    default ByteBuffer readView(long offset, int length) {
        return null;
    }

    /**
     * What the chunk slot at {@code offset} ({@code length} bytes) was in a snapshot of this
     * store made earlier, if the source knows it has not been written since: that chunk's
     * record (the writer then checks that its pack is there and long enough, and reuses it
     * without reading, hashing or looking up the bytes), {@link #ZERO} if the slot was all zero
     * then, or null if unknown.
     */
    default ChunkRef unchanged(long offset, int length) {
        return null;
    }

    /** {@link #unchanged}'s answer for a slot that was, and still is, all zero. */
    ChunkRef ZERO = new ChunkRef(-1, 0, new byte[Hashes.SIZE], 0, 0, 0, true, 0);
}
