package dev.cryo.store;

/**
 * What a checkpoint did: the committed snapshot, and how its chunks were found — zero (not
 * stored), already in the store or earlier in this checkpoint (dedup), or new — with the bytes
 * it added to the packs and the time it took.
 */
public record CheckpointResult(Snapshot snapshot, long zeroChunks, long dedupChunks, long newChunks, long newStoredBytes,
        long nanos) {}
