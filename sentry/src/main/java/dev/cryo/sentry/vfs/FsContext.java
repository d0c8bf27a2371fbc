package dev.cryo.sentry.vfs;

import dev.cryo.serializer.Savable;

/**
 * A task's filesystem context (Linux's fs_struct): its root and working directory, and umask.
 * Paths are kept as canonical absolute sandbox paths ("/", "/usr/bin"): the root filesystem is
 * read-only for now, so a directory cannot move under us. Saved as is.
 */
@Savable
public final class FsContext {
    /** The working directory, canonical and absolute within the sandbox. */
    private String cwd = "/";
    private int umask = 022;

    /** A copy for a child process (fork without CLONE_FS). */
    public FsContext copy() {
        FsContext c = new FsContext();
        c.cwd = cwd;
        c.umask = umask;
        return c;
    }

    public String cwd() {
        return cwd;
    }

    public void setCwd(String cwd) {
        this.cwd = cwd;
    }

    public int umask() {
        return umask;
    }

    public void setUmask(int umask) {
        this.umask = umask & 0777;
    }
}
