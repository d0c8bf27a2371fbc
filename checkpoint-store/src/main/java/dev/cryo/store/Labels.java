package dev.cryo.store;

import java.util.Map;

/**
 * What a caller says about a new snapshot: its name and tag ("" and "latest" if unnamed), the
 * sandbox it comes from, its parent snapshot, and free metadata (the Sentry puts the kernel-state
 * layout fingerprint and memory usage there). Immutable.
 */
public record Labels(String name, String tag, String source, String parent, Map<String, String> metadata) {
    public Labels {
        Snapshot.checkName("name", name);
        Snapshot.checkName("tag", tag);
        if (!parent.isEmpty() && !Snapshot.ID.matcher(parent).matches()) {
            throw new IllegalArgumentException("parent '" + parent + "' is not a snapshot id");
        }
        if (source.length() > 1024) throw new IllegalArgumentException("source id is too long");
        metadata = Map.copyOf(metadata);
    }

    public static Labels none() {
        return new Labels("", "latest", "", "", Map.of());
    }

    /** Parses "NAME" or "NAME:TAG". */
    public static Labels named(String nameTag) {
        int c = nameTag.indexOf(':');
        return c < 0 ? new Labels(nameTag, "latest", "", "", Map.of())
                : new Labels(nameTag.substring(0, c), nameTag.substring(c + 1), "", "", Map.of());
    }

    public Labels withSource(String s) {
        return new Labels(name, tag, s, parent, metadata);
    }

    public Labels withParent(String p) {
        return new Labels(name, tag, source, p, metadata);
    }

    public Labels withMetadata(Map<String, String> m) {
        return new Labels(name, tag, source, parent, m);
    }
}
