package dev.cryo.store;

/**
 * What a checkpoint did: the committed snapshot, and how its chunks were found — zero (not
 * stored), already in the store or earlier in this checkpoint (dedup), or new — with the bytes
 * it added to the packs and the time it took ({@code indexNanos} of it opening this process's
 * chunk index, when it was not open yet). {@code unchangedChunks} of the zero and dedup ones were
 * not even read: the source knew them unwritten since a snapshot that holds them
 * ({@link MemorySource#previous}); {@code changedBlockSlots} of the new ones are written slots
 * stored as the 512-byte blocks that changed (each a new chunk of those blocks).
 */
public record CheckpointResult(Snapshot snapshot, long zeroChunks, long dedupChunks, long newChunks, long newStoredBytes,
        long nanos, long indexNanos, long unchangedChunks, long changedBlockSlots) {
    /** The same result, {@code indexNanos} spent opening the index before it. */
    CheckpointResult withIndexNanos(long indexNanos) {
        return new CheckpointResult(snapshot, zeroChunks, dedupChunks, newChunks, newStoredBytes, nanos + indexNanos,
                indexNanos, unchangedChunks, changedBlockSlots);
    }
}
