package dev.cryo.sentry.fs.host;

import static dev.cryo.sentry.abi.Errno.EINVAL;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.serializer.Savable;

/**
 * A host regular file open for reading. Reads go straight from the host file into application
 * memory (pread into the memory file's mapping, no copy in between); the offset is the Sentry's,
 * never the host descriptor's, so it is saved with the description.
 */
@Savable
public final class HostFile extends HostDescription {
    static final long MAX_RW_COUNT = 0x7ffff000L;
    private static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    private static final long FIONREAD = 0x541B;

    HostFile(HostFilesystem fs, String path, int flags, int hostFd, byte[] stat) {
        super(fs, path, flags, hostFd, stat);
    }

    /** For Kryo. */
    HostFile() {}

    @Override
    protected int reopen(int pathFd) {
        return HostFilesystem.reopen(pathFd, OpenFlags.O_RDONLY);
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        long n = pread(mem, addr, len, offset);
        offset += n;
        return n;
    }

    @Override
    public long pread(Usermem mem, long addr, long len, long at) {
        int fd = fd();
        long[] pos = {at};
        return mem.visit(addr, Math.min(len, MAX_RW_COUNT), true, (h, n) -> {
            long r = HostCalls.pread(fd, h, n, pos[0]);
            pos[0] += r;
            return r;
        });
    }

    @Override
    public long seek(long off, int whence) {
        long pos;
        switch (whence) {
            case SEEK_SET:
                pos = off;
                break;
            case SEEK_CUR:
                pos = offset + off;
                if (((offset ^ pos) & (off ^ pos)) < 0) throw SyscallError.of(EINVAL);
                break;
            case SEEK_END:
                long size = Stat.size(stat());
                pos = size + off;
                if (((size ^ pos) & (off ^ pos)) < 0) throw SyscallError.of(EINVAL);
                break;
            case SEEK_DATA:
            case SEEK_HOLE:
                // The host knows the file's holes; ENXIO at or past the end, as Linux.
                pos = HostCalls.lseek(fd(), off, whence);
                break;
            default:
                throw SyscallError.of(EINVAL);
        }
        if (pos < 0) throw SyscallError.of(EINVAL);
        // vfs_setpos: past the filesystem's largest file (s_maxbytes, e.g. 16 TiB on ext4) is
        // EINVAL. Only the host knows it; every filesystem allows at least 2 GiB, so smaller
        // offsets need not ask.
        if (pos > Integer.MAX_VALUE) HostCalls.lseek(fd(), pos, SEEK_SET);
        offset = pos;
        return pos;
    }

    @Override
    public long ioctl(Usermem mem, long request, long arg) {
        if (request == FIONREAD) {
            // file_ioctl(): bytes from the offset to the end, as an int.
            long left = Math.max(0, Stat.size(stat()) - offset);
            mem.writeInt(arg, (int) Math.min(left, Integer.MAX_VALUE));
            return 0;
        }
        return super.ioctl(mem, request, arg);
    }

    @Override
    public void fsync() {
        // Nothing was written: a read-only file is always in sync.
    }

    @Override
    public MappingSource mappable() {
        String name = path;
        return new MappingSource() {
            @Override
            public long readInto(long hostAddress, long len, long at) {
                return HostCalls.pread(fd(), hostAddress, len, at);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
