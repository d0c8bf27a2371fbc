package dev.cryo.sentry.vfs;

/**
 * A resolved file of some filesystem, held only for the length of one syscall (Linux's struct
 * path after a lookup): what the *at() calls, stat, access and open act on. The caller closes it.
 */
public interface Node extends AutoCloseable {
    /** The canonical absolute path of the file in the sandbox. */
    String path();

    /** Its struct stat. */
    byte[] stat();

    /** Its struct statfs (statfs(2)). */
    byte[] statfs();

    /** The symlink's target; EINVAL if this is not a symlink. */
    byte[] readlink();

    /**
     * Opens it for I/O with open(2) {@code flags}, after the checks common to all files were
     * made by the caller (access mode against a read-only tree, O_DIRECTORY, O_NOFOLLOW).
     */
    FileDescription open(int flags);

    /**
     * Whether the node is a file of the read-only tree, which open(2) refuses to write (EROFS);
     * false for what stands for an open description elsewhere (/proc/PID/fd/N of a pipe).
     */
    default boolean inReadOnlyTree() {
        return true;
    }

    @Override
    void close();
}
