package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ESPIPE;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.IOCTL;
import static dev.cryo.sentry.syscalls.Arg.LONG;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;

/** fcntl, ioctl and the calls about a descriptor's data: fsync, fdatasync, fadvise64 (fs/fcntl.c, fs/ioctl.c). */
final class SysFcntl {
    private SysFcntl() {}

    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5,
            F_SETLK = 6, F_SETLKW = 7, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38,
            F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
    static final int FD_CLOEXEC = 1;
    private static final int F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    private static final long FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIONBIO = 0x5421;

    static void register(SyscallTable t) {
        t.supported(Sysno.FLOCK, SysFcntl::flock, FD, INT);
        t.partial(Sysno.FCNTL, "F_DUPFD[_CLOEXEC], F_GETFD/SETFD, F_GETFL/SETFL, F_GETPIPE_SZ/SETPIPE_SZ; record locks always granted "
                + "(one process); others EINVAL", SysFcntl::fcntl, FD, INT, HEX);
        t.partial(Sysno.IOCTL, "FIOCLEX, FIONCLEX, FIONBIO, FIONREAD; TCGETS and TIOCGWINSZ on a terminal; "
                + "others ENOTTY", SysFcntl::ioctl, FD, IOCTL, HEX);
        t.supported(Sysno.FSYNC, SysFcntl::fsync, FD);
        t.supported(Sysno.FDATASYNC, SysFcntl::fsync, FD);
        t.supported(Sysno.FADVISE64, SysFcntl::fadvise64, FD, LONG, LONG, INT);
    }

    /** Implements Linux fcntl(2). */
    static long fcntl(Task t) {
        int fd = t.intArg(0), cmd = t.intArg(1);
        long arg = t.arg(2);
        FileDescription f = t.fds().get(fd); // fdget_raw: O_PATH descriptors take these commands
        switch (cmd) {
            case F_DUPFD:
            case F_DUPFD_CLOEXEC: {
                int min = (int) arg;
                if (min < 0 || min >= t.fds().limit()) throw SyscallError.of(EINVAL);
                return t.fds().install(f, cmd == F_DUPFD_CLOEXEC, min);
            }
            case F_GETFD:
                return t.fds().isCloexec(fd) ? FD_CLOEXEC : 0;
            case F_SETFD:
                t.fds().setCloexec(fd, (arg & FD_CLOEXEC) != 0);
                return 0;
            case F_GETFL:
                return f.flags();
            case F_SETFL:
                if (f.isPathOnly()) throw SyscallError.of(EBADF);
                f.setStatusFlags((int) arg);
                return 0;
            case F_GETLK:
            case F_OFD_GETLK:
                return getLock(t, f);
            case F_SETLK:
            case F_SETLKW:
            case F_OFD_SETLK:
            case F_OFD_SETLKW:
                return setLock(t, f);
            case F_GETPIPE_SZ:
                if (!(f instanceof dev.cryo.sentry.fs.pipe.PipeFile p)) throw SyscallError.of(EBADF);
                return p.pipeSize();
            case F_SETPIPE_SZ:
                if (!(f instanceof dev.cryo.sentry.fs.pipe.PipeFile p2)) throw SyscallError.of(EBADF);
                return p2.setPipeSize(arg & 0xffffffffL);
            default:
                throw SyscallError.of(EINVAL);
        }
    }

    /** Implements Linux flock(2): whole-file locks held by open file descriptions. */
    static long flock(Task t) {
        FileDescription f = t.fds().getIo(t.intArg(0));
        t.kernel().vfs().flock(f, t.intArg(1), t.kernel().lock());
        return 0;
    }

    /** struct flock: l_type (short) at 0, l_whence at 2, l_start at 8, l_len at 16, l_pid at 24. */
    private static short lockType(Task t, FileDescription f) {
        if (f.isPathOnly()) throw SyscallError.of(EBADF);
        byte[] b = t.mm().usermem().read(t.arg(2), 32);
        short type = (short) ((b[0] & 0xff) | (b[1] << 8));
        if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK) throw SyscallError.of(EINVAL);
        // flock_to_posix_lock: the range must start at a whence Linux knows and not before 0,
        // also when a negative length reaches back from l_start.
        int whence = (b[2] & 0xff) | (b[3] << 8);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long start = bb.getLong(8), len = bb.getLong(16);
        long base = switch (whence) {
            case 0 -> 0;
            case 1 -> currentOffset(f);
            case 2 -> dev.cryo.sentry.vfs.Stat.size(f.stat());
            default -> throw SyscallError.of(EINVAL);
        };
        long from = base + start;
        if (((base ^ from) & (start ^ from)) < 0) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EOVERFLOW);
        if (from < 0 || (len < 0 && from + len < 0)) throw SyscallError.of(EINVAL);
        return type;
    }

    /** The file position, as SEEK_CUR locks count from it (f_pos: 0 for what has none). */
    private static long currentOffset(FileDescription f) {
        try {
            return f.seek(0, 1);
        } catch (SyscallError e) {
            return 0;
        }
    }

    /** F_GETLK: nothing else in the sandbox holds a lock, so every lock would be granted. */
    private static long getLock(Task t, FileDescription f) {
        lockType(t, f);
        t.mm().usermem().write(t.arg(2), new byte[] {F_UNLCK, 0});
        return 0;
    }

    /** F_SETLK: granted, after Linux's mode checks (a read lock needs read access, a write lock write). */
    private static long setLock(Task t, FileDescription f) {
        short type = lockType(t, f);
        if (type == F_RDLCK && !f.readable()) throw SyscallError.of(EBADF);
        if (type == F_WRLCK && !f.writable()) throw SyscallError.of(EBADF);
        return 0;
    }

    /** Implements Linux ioctl(2): the generic requests here, the rest by the file. */
    static long ioctl(Task t) {
        int fd = t.intArg(0);
        long request = t.arg(1) & 0xffffffffL, arg = t.arg(2);
        FileDescription f = t.fds().getIo(fd);
        if (request == FIOCLEX || request == FIONCLEX) {
            t.fds().setCloexec(fd, request == FIOCLEX);
            return 0;
        }
        if (request == FIONBIO) {
            int on = t.mm().usermem().readInt(arg);
            int flags = on != 0 ? f.flags() | OpenFlags.O_NONBLOCK : f.flags() & ~OpenFlags.O_NONBLOCK;
            f.setStatusFlags(flags);
            return 0;
        }
        return f.ioctl(t.mm().usermem(), request, arg);
    }

    /** Implements Linux fsync(2) and fdatasync(2). */
    static long fsync(Task t) {
        t.fds().getIo(t.intArg(0)).fsync();
        return 0;
    }

    /** Implements Linux fadvise64(2): advice is checked, then ignored (ESPIPE for pipes). */
    static long fadvise64(Task t) {
        FileDescription f = t.fds().getIo(t.intArg(0));
        int advice = t.intArg(3);
        if (advice < 0 || advice > 5 || t.arg(2) < 0) throw SyscallError.of(EINVAL);
        int type = dev.cryo.sentry.vfs.Stat.type(f.stat());
        if (type == dev.cryo.sentry.vfs.Stat.S_IFIFO) throw SyscallError.of(ESPIPE);
        return 0;
    }
}
