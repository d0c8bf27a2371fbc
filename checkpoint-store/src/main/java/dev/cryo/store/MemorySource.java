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
     * The chunk slot at {@code offset} ({@code length} bytes) as a snapshot of this store made
     * earlier held it: its pieces in memory order, covering the slot exactly, or
     * {@link #ZERO_SLOT} if it was all zero then; null if unknown. For a slot not
     * {@link #written} since, the writer reuses the pieces without reading, hashing or looking up
     * the bytes (it checks that their packs are there and long enough); for a slot written since,
     * it compares the bytes block by block with them and stores only the blocks that changed.
     */
    default List<ChunkRef> previous(long offset, int length) {
        return null;
    }

    /** Whether the slot may have been written since the snapshot {@link #previous} describes. */
    default boolean written(long offset, int length) {
        return true;
    }

    /** {@link #previous}'s answer for a slot that was all zero. */
    List<ChunkRef> ZERO_SLOT = List.of(new ChunkRef(-1, 1, new byte[Hashes.SIZE], 0, 0, 1, true, 0));
}
