package dev.cryo.store;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What verify found: how many stored chunks it rehashed, the damaged ones (where, why, and the
 * snapshots using each), the affected snapshots, and manifests that cannot be read at all.
 * Clean when both lists are empty.
 */
public record VerifyReport(int snapshotsChecked, int chunksChecked, long bytesChecked, List<Damage> damaged,
        Set<String> affectedSnapshots, Map<String, String> damagedManifests) {
    public boolean clean() {
        return damaged.isEmpty() && damagedManifests.isEmpty();
    }

    /** A damaged chunk: its hash, where it is stored, what is wrong, which snapshots use it (ids). */
    public record Damage(String hash, String pack, long packOffset, String reason, List<String> snapshots) {}
}
