package dev.cryo.sentry.fs.host;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.host.HostErrors;
import java.nio.charset.StandardCharsets;

/**
 * The host calls the host filesystem needs that {@link Host} does not wrap, made through
 * {@link Host#syscall} with the raw x86-64 numbers. Every method turns a host error into the
 * guest's (through {@link HostErrors}). Stateless.
 */
public final class HostCalls {
    private HostCalls() {}

    static final int SYS_FSTATFS = 138, SYS_GETDENTS64 = 217, SYS_NEWFSTATAT = 262, SYS_OPENAT2 = 437;
    static final long RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_IN_ROOT = 0x10;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STAT_SIZE = 144, STATFS_SIZE = 120;

    /** openat2(2) relative to {@code rootFd} with RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS. */
    static int openInRoot(int rootFd, String path, long flags) {
        byte[] p = cString(path);
        long mem = Host.allocate(p.length + 24L);
        try {
            Host.putBytes(mem, p, 0, p.length);
            long how = mem + p.length;
            Host.putLong(how, flags);
            Host.putLong(how + 8, 0);
            Host.putLong(how + 16, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            return (int) Host.syscall("openat2", SYS_OPENAT2, rootFd, mem, how, 24, 0, 0);
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        } finally {
            Host.free(mem);
        }
    }

    /** open(2) of a host path the Sentry built itself (/proc/self/fd/N, the root). */
    static int open(String hostPath, int flags) {
        try {
            return Host.openat(-100, hostPath, flags, 0);
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    /** The host's struct stat of {@code fd} (x86-64 layout, as the guest's). */
    public static byte[] fstat(int fd) {
        long mem = Host.allocate(STAT_SIZE + 8);
        try {
            Host.putByte(mem + STAT_SIZE, (byte) 0); // "" for AT_EMPTY_PATH
            Host.syscall("newfstatat", SYS_NEWFSTATAT, fd, mem + STAT_SIZE, mem, AT_EMPTY_PATH, 0, 0);
            byte[] b = new byte[STAT_SIZE];
            Host.getBytes(mem, b, 0, STAT_SIZE);
            return b;
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        } finally {
            Host.free(mem);
        }
    }

    /** The host's struct statfs of {@code fd}. */
    static byte[] fstatfs(int fd) {
        long mem = Host.allocate(STATFS_SIZE);
        try {
            Host.syscall("fstatfs", SYS_FSTATFS, fd, mem, 0, 0, 0, 0);
            byte[] b = new byte[STATFS_SIZE];
            Host.getBytes(mem, b, 0, STATFS_SIZE);
            return b;
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        } finally {
            Host.free(mem);
        }
    }

    /** getdents64(2) into Sentry memory {@code buf}. */
    static long getdents64(int fd, long buf, long len) {
        try {
            return Host.syscall("getdents64", SYS_GETDENTS64, fd, buf, len, 0, 0, 0);
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    /** readlink of {@code path} relative to {@code dirFd} ("" with an O_PATH symlink fd reads that link). */
    static byte[] readlink(int dirFd, String path) {
        long buf = Host.allocate(4096);
        try {
            long n = Host.readlinkat(dirFd, path, buf, 4096);
            byte[] b = new byte[(int) n];
            Host.getBytes(buf, b, 0, b.length);
            return b;
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        } finally {
            Host.free(buf);
        }
    }

    public static long lseek(int fd, long offset, int whence) {
        try {
            return Host.lseek(fd, offset, whence);
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    static long pread(int fd, long buf, long len, long offset) {
        try {
            return Host.pread(fd, buf, len, offset);
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    /** close(2), ignoring errors: the descriptor is gone either way. */
    public static void closeQuietly(int fd) {
        if (fd < 0) return;
        try {
            Host.close(fd);
        } catch (HostException ignored) {
            // EINTR/EIO on close still releases the descriptor (close(2), NOTES).
        }
    }

    static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** A byte string as one char per byte (see {@link HostFilesystem}). */
    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
