package dev.cryo.store;

import java.util.List;

/**
 * What {@code cryo snapshot inspect} shows of the store's side of a snapshot: the summary, its
 * manifest's size and metadata, its chunks, and how they are shared. Counts and bytes: zero
 * memory (in the ranges but not stored), chunks repeated within the snapshot, chunks shared
 * with other snapshots. The CLI adds the kernel's side (processes, open files) from the blob.
 */
public record Inspection(SnapshotSummary summary, Snapshot snapshot, long manifestBytes, long zeroBytes,
        int distinctChunks, int sharedChunks, long sharedStoredBytes, List<Chunk> chunks) {
    /**
     * One piece of the snapshot ({@code rawLength} bytes at {@code memOffset}, from byte
     * {@code skip} of its chunk's {@code recordLength}) and how many other snapshots use the same
     * stored chunk.
     */
    public record Chunk(long memOffset, int rawLength, String hash, String pack, long packOffset, int storedLength,
            boolean raw, int otherSnapshots, int skip, int recordLength) {}
}
