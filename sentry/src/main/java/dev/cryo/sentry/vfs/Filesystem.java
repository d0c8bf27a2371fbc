package dev.cryo.sentry.vfs;

/** A filesystem mounted in the tree: resolves absolute sandbox paths to nodes. */
public interface Filesystem extends AutoCloseable {
    /**
     * Looks up absolute path {@code path} (a byte string, one char per byte), following a final
     * symlink if {@code follow}. The caller closes the node.
     */
    Node lookup(String path, boolean follow);

    /** Releases host resources. */
    @Override
    void close();
}
