package dev.cryo.sentry.fs.host;

import static dev.cryo.sentry.abi.Errno.EISDIR;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.Savable;

/**
 * A host directory open for listing. getdents64 passes the host's records through unchanged
 * (same layout: both are Linux x86-64); the offset is the host's directory cookie, saved so a
 * restored listing continues where it stopped.
 */
@Savable
public final class HostDirectory extends HostDescription {
    /** Most bytes of records fetched per call: enough for hundreds of entries. */
    private static final int MAX_CHUNK = 1 << 16;
    private static final int SEEK_SET = 0, SEEK_CUR = 1;

    HostDirectory(HostFilesystem fs, String path, int flags, int hostFd, byte[] stat) {
        super(fs, path, flags, hostFd, stat);
    }

    /** For Kryo. */
    HostDirectory() {}

    @Override
    protected int reopen(int pathFd) {
        return HostFilesystem.reopen(pathFd, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
    }

    @Override
    protected void afterReopen() {
        if (offset != 0) HostCalls.lseek(fd(), offset, SEEK_SET);
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        throw SyscallError.of(EISDIR);
    }

    @Override
    public long pread(Usermem mem, long addr, long len, long at) {
        throw SyscallError.of(EISDIR);
    }

    @Override
    public long getdents64(Usermem mem, long addr, long len) {
        int fd = fd();
        int chunk = (int) Math.min(len, MAX_CHUNK);
        long buf = Host.allocate(Math.max(chunk, 1));
        try {
            long before = offset;
            long n = HostCalls.getdents64(fd, buf, chunk);
            if (n > 0) {
                byte[] b = new byte[(int) n];
                Host.getBytes(buf, b, 0, b.length);
                try {
                    mem.write(addr, b);
                } catch (SyscallError e) {
                    HostCalls.lseek(fd, before, SEEK_SET); // nothing was delivered
                    throw e;
                }
            }
            offset = HostCalls.lseek(fd, 0, SEEK_CUR);
            return n;
        } finally {
            Host.free(buf);
        }
    }

    @Override
    public long seek(long off, int whence) {
        // The host filesystem defines what a directory offset means (a hash cookie on ext4).
        offset = HostCalls.lseek(fd(), off, whence);
        return offset;
    }

    @Override
    public void fsync() {}
}
