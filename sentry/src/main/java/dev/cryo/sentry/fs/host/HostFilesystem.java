package dev.cryo.sentry.fs.host;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.fs.dev.DevNode;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.vfs.Filesystem;
import dev.cryo.sentry.vfs.RootChoice;
import dev.cryo.sentry.vfs.HostBacked;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.serializer.AfterLoad;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;

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
 *
 * <p>Saved as the host root's path; the root descriptor is reopened on first use after a
 * restore. It is valid only while {@link #rootOpen}: a loaded object starts with it false (Kryo
 * runs no constructor here, so the int would read 0 — stdin — and no initializer would set -1).
 */
@Savable
public final class HostFilesystem implements Filesystem, HostBacked, AfterLoad {
    /** The host directory that is the sandbox's "/", as the user named it. */
    private String hostRoot;
    /** O_PATH descriptor of {@link #hostRoot} while {@link #rootOpen}, else -1. guarded by this */
    @Rebuilt("host fd: reopened from hostRoot by rootFd() on first use; -1 from afterLoad until then")
    private transient int rootFd = -1;
    @Rebuilt("false after load (its default): rootFd() reopens the root")
    private transient boolean rootOpen;
    /** The root's canonical host path, "" for "/": stripped from /proc/self/fd links. guarded by this */
    @Rebuilt("read back from /proc/self/fd when rootFd() reopens the root (the host path may resolve differently)")
    private transient String prefix;

    public HostFilesystem(String hostRoot) {
        this.hostRoot = hostRoot;
        rootFd();
    }

    /** The O_PATH descriptor of the root, opened on first use. */
    synchronized int rootFd() {
        if (!rootOpen) {
            int fd = HostCalls.open(hostRoot, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC);
            try {
                String p = HostCalls.latin1(HostCalls.readlink(-100, "/proc/self/fd/" + fd));
                prefix = p.equals("/") ? "" : p;
            } catch (RuntimeException e) {
                HostCalls.closeQuietly(fd);
                throw e;
            }
            rootFd = fd;
            rootOpen = true;
        }
        return rootFd;
    }

    /** The restorer's root replaces the one the image recorded (see {@link RootChoice}). */
    @Override
    public synchronized void afterLoad(Object env) {
        if (env instanceof RootChoice c && c.rootfs() != null) hostRoot = c.rootfs();
        rootFd = -1;
        rootOpen = false;
        prefix = null;
    }

    /** After a restore: the host root must still be a directory (its files are checked one by one). */
    @Override
    public void verifySame(boolean acceptChanged) {
        try {
            rootFd();
        } catch (SyscallError e) {
            throw new IllegalStateException("host root " + hostRoot + " cannot be opened since the checkpoint: "
                    + Errno.text(e.errno()));
        }
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
            byte[] sfs = HostCalls.fstatfs(fd);
            if (isHostPseudoFs(sfs)) {
                // Never show the host's /proc or /sys: their mount points appear empty, and
                // whatever a path or symlink reaches inside them does not exist.
                String at = sandboxPath(fd);
                HostCalls.closeQuietly(fd);
                if (at.equals("/proc") || at.equals("/sys")) return new MaskedDirectory(at, st, sfs);
                throw SyscallError.of(Errno.ENOENT);
            }
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

    /**
     * Filesystems that describe the host rather than hold files (statfs(2) f_type): procfs,
     * sysfs, debugfs, tracefs, securityfs, cgroup, cgroup2, bpffs, configfs, pstore,
     * efivarfs, fusectl, binfmt_misc, devpts, mqueue.
     */
    static boolean isHostPseudoFs(byte[] statfs) {
        long type = java.nio.ByteBuffer.wrap(statfs).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        return type == 0x9fa0L || type == 0x62656572L || type == 0x64626720L || type == 0x74726163L
                || type == 0x73636673L || type == 0x27e0ebL || type == 0x63677270L || type == 0xcafe4a11L
                || type == 0x62656570L || type == 0x6165676cL || type == 0xde5e81e4L || type == 0x65735543L
                || type == 0x42494e4dL || type == 0x1cd1L /* devpts */ || type == 0x19800202L /* mqueue */;
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
    @Override
    public synchronized void close() {
        if (rootOpen) HostCalls.closeQuietly(rootFd);
        rootFd = -1;
        rootOpen = false;
    }
}
