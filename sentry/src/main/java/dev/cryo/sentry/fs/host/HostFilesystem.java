package dev.cryo.sentry.fs.host;

import dev.cryo.sentry.fs.dev.DevNode;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;

/**
 * A host directory served read-only as the sandbox's root (gVisor's fs/gofer, without the gofer).
 *
 * <p>Every lookup is one openat2(2) on an O_PATH descriptor of the root with RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS: the host kernel resolves "..", absolute symlinks and loops as if the
 * root were "/", so no path can name a host file outside it, and /proc magic links are refused.
 * Lookups open O_PATH only; a file is opened for I/O by reopening that descriptor through
 * /proc/self/fd after its type was checked, so host device nodes, FIFOs and sockets are never
 * opened (see {@link HostNode#open}).
 *
 * <p>Paths are byte strings held in Java strings as ISO-8859-1 (one char per byte), so names
 * that are not UTF-8 survive unchanged.
 */
public final class HostFilesystem {
    /** The host directory that is the sandbox's "/", as the user named it. */
    private final String hostRoot;
    /** O_PATH descriptor of {@link #hostRoot}; -1 until first use (reopened after restore). guarded by this */
    private transient int rootFd = -1;
    /** The root's canonical host path, "" for "/": stripped from /proc/self/fd links. guarded by this */
    private transient String prefix;

    public HostFilesystem(String hostRoot) {
        this.hostRoot = hostRoot;
        rootFd();
    }

    /** The O_PATH descriptor of the root, opened on first use. */
    synchronized int rootFd() {
        if (rootFd < 0) {
            int fd = HostCalls.open(hostRoot, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC);
            String p = HostCalls.latin1(HostCalls.readlink(-100, "/proc/self/fd/" + fd));
            prefix = p.equals("/") ? "" : p;
            rootFd = fd;
        }
        return rootFd;
    }

    private synchronized String prefix() {
        rootFd();
        return prefix;
    }

    /**
     * Looks up absolute sandbox path {@code path} (a byte string, see the class comment),
     * following a final symlink if {@code follow}. The caller closes the node.
     */
    public Node lookup(String path, boolean follow) {
        int flags = OpenFlags.O_PATH | OpenFlags.O_CLOEXEC | (follow ? 0 : OpenFlags.O_NOFOLLOW);
        int fd = HostCalls.openInRoot(rootFd(), path, flags);
        try {
            byte[] st = HostCalls.fstat(fd);
            if (Stat.type(st) == Stat.S_IFCHR) {
                Device d = Device.byRdev(Stat.rdev(st));
                if (d != null) {
                    String at = sandboxPath(fd);
                    HostCalls.closeQuietly(fd);
                    return new DevNode(d, at);
                }
            }
            return new HostNode(this, fd, st);
        } catch (RuntimeException e) {
            HostCalls.closeQuietly(fd);
            throw e;
        }
    }

    /** The canonical sandbox path of the host file open at {@code fd}. */
    String sandboxPath(int fd) {
        String p = HostCalls.latin1(HostCalls.readlink(-100, "/proc/self/fd/" + fd));
        String pre = prefix();
        if (pre.isEmpty()) return p;
        if (p.equals(pre)) return "/";
        if (p.startsWith(pre + "/")) return p.substring(pre.length());
        // Not under the root by name (a bind mount inside it, say): the best we can say.
        return "/";
    }

    /** Opens the file at O_PATH descriptor {@code pathFd} again, for I/O, with host {@code flags}. */
    static int reopen(int pathFd, int flags) {
        return HostCalls.open("/proc/self/fd/" + pathFd, flags | OpenFlags.O_CLOEXEC);
    }

    /** The host root as the user named it. */
    public String hostRoot() {
        return hostRoot;
    }

    /** Closes the root descriptor (when the sandbox ends). */
    public synchronized void close() {
        HostCalls.closeQuietly(rootFd);
        rootFd = -1;
    }
}
