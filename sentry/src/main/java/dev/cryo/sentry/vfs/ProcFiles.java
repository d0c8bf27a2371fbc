package dev.cryo.sentry.vfs;

/**
 * The files the Sentry makes up under /proc (Linux's procfs), served from the kernel's state:
 * the tree hands it every path under /proc (and /dev/fd, /dev/stdin..., which point there).
 */
public interface ProcFiles {
    /**
     * The node at {@code clean}, a lexically clean absolute path ("/proc" or below it); follows
     * a final symbolic link if {@code follow}. ENOENT if there is none. The caller closes it.
     */
    Node lookup(String clean, boolean follow);
}
