package dev.cryo.store;

/**
 * A line of {@code cryo snapshots}: the snapshot's identity, its sizes — logical (application
 * memory), stored (its chunks in the packs plus its manifest, shared chunks included) and unique
 * (what only it uses: what removing it would let gc reclaim) — and where it came from.
 */
public record SnapshotSummary(String id, String name, String tag, long created, long logicalSize, long storedSize,
        long uniqueBytes, String source, String parent, int chunks) {
    public String label() {
        return name.isEmpty() ? id : name + ":" + tag;
    }
}
