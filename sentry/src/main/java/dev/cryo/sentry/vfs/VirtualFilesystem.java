package dev.cryo.sentry.vfs;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.ENOENT;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.host.HostErrors;
import dev.cryo.sentry.mm.MappingSource;

/**
 * The sandbox's filesystem tree. FIRST CUT: resolves paths by prefixing the host root; the
 * real resolver (openat2 RESOLVE_IN_ROOT, devices served by the Sentry) replaces it.
 */
public final class VirtualFilesystem {
    private final String hostRoot;

    public VirtualFilesystem(String hostRoot) {
        this.hostRoot = hostRoot.endsWith("/") ? hostRoot.substring(0, hostRoot.length() - 1) : hostRoot;
    }

    public String canonicalDirectory(String path) {
        return path;
    }

    public void installStdio(FdTable fds) {
        for (int fd = 0; fd < 3; fd++) {
            fds.installAt(fd, new HostStdio(Host.dup(fd), fd == 0 ? OpenFlags.O_RDONLY : OpenFlags.O_WRONLY), false);
        }
    }

    public MappingSource openExecutable(FsContext fs, String path) {
        if (!path.startsWith("/")) throw SyscallError.of(ENOENT);
        int fd;
        try {
            fd = Host.openat(-100, hostRoot + path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0);
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
        return new MappingSource() {
            @Override
            public long readInto(long hostAddress, long len, long offset) {
                return Host.pread(fd, hostAddress, len, offset);
            }

            @Override
            public String name() {
                return path;
            }
        };
    }

    public boolean isExecutableFile(String path) {
        java.io.File f = new java.io.File(hostRoot + path);
        return f.isFile() && f.canExecute();
    }

    static SyscallError eacces() {
        return SyscallError.of(EACCES);
    }
}
