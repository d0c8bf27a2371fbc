package dev.cryo.sentry.fs.host;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENXIO;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.host.HostErrors;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;

/** A host file found by a lookup: an O_PATH descriptor and its stat, for one syscall. */
final class HostNode implements Node {
    private final HostFilesystem fs;
    /** O_PATH host descriptor, closed by {@link #close}. */
    private final int fd;
    private final byte[] stat;
    private String path;

    HostNode(HostFilesystem fs, int fd, byte[] stat) {
        this.fs = fs;
        this.fd = fd;
        this.stat = stat;
    }

    @Override
    public String path() {
        if (path == null) path = fs.sandboxPath(fd);
        return path;
    }

    @Override
    public byte[] stat() {
        return stat;
    }

    @Override
    public byte[] statfs() {
        return HostDescription.readOnlyStatfs(fd);
    }

    @Override
    public byte[] readlink() {
        if (!Stat.isSymlink(stat)) throw SyscallError.of(EINVAL);
        return HostCalls.readlink(fd, "");
    }

    /**
     * Opens the file for reading. Only regular files and directories are ever opened on the
     * host. Other device nodes answer EACCES, as on a filesystem mounted nodev (the sandbox's
     * root is: only the Sentry's own devices exist); FIFOs and sockets answer ENXIO, as opening
     * a socket does on Linux: their peers would be host processes, outside the sandbox.
     */
    @Override
    public FileDescription open(int flags) {
        if ((flags & OpenFlags.O_PATH) != 0) {
            return new HostPathFile(fs, path(), flags, dup(fd), stat);
        }
        switch (Stat.type(stat)) {
            case Stat.S_IFREG:
                return new HostFile(fs, path(), flags, HostFilesystem.reopen(fd, OpenFlags.O_RDONLY), stat);
            case Stat.S_IFDIR:
                return new HostDirectory(fs, path(), flags,
                        HostFilesystem.reopen(fd, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY), stat);
            case Stat.S_IFCHR:
            case Stat.S_IFBLK:
                throw SyscallError.of(EACCES);
            default:
                throw SyscallError.of(ENXIO);
        }
    }

    /** The O_PATH descriptor, still owned by this node. */
    int pathFd() {
        return fd;
    }

    static int dup(int fd) {
        try {
            return Host.fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, 0);
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    @Override
    public void close() {
        HostCalls.closeQuietly(fd);
    }
}
