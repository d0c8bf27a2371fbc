package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static dev.cryo.sentry.syscalls.Arg.BUF_IN;
import static dev.cryo.sentry.syscalls.Arg.BUF_OUT;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.LONG;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;
import static dev.cryo.sentry.syscalls.Arg.WHENCE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.socket.Iov;
import dev.cryo.sentry.fs.socket.UnixSocket;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;

/** read, write and their positional and vectored forms, and lseek (Linux's fs/read_write.c). */
final class SysReadWrite {
    private SysReadWrite() {}

    /** UIO_MAXIOV. */
    static final int IOV_MAX = 1024;
    /** MAX_RW_COUNT: the most one call transfers. */
    static final long MAX_RW_COUNT = 0x7ffff000L;
    private static final int SEEK_MAX = 4;
    /**
     * RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND | RWF_NOAPPEND: accepted and
     * meaningless here (no call blocks on a disk; the only writable files, the devices, have
     * no end to append at).
     */
    private static final int RWF_HARMLESS = 1 | 2 | 4 | 8 | 0x10 | 0x20;

    static void register(SyscallTable t) {
        t.supported(Sysno.READ, SysReadWrite::read, FD, BUF_OUT, SIZE);
        t.supported(Sysno.WRITE, SysReadWrite::write, FD, BUF_IN, SIZE);
        t.supported(Sysno.PREAD64, SysReadWrite::pread64, FD, BUF_OUT, SIZE, LONG);
        t.supported(Sysno.PWRITE64, SysReadWrite::pwrite64, FD, BUF_IN, SIZE, LONG);
        t.supported(Sysno.READV, SysReadWrite::readv, FD, PTR, INT);
        t.supported(Sysno.WRITEV, SysReadWrite::writev, FD, PTR, INT);
        t.supported(Sysno.PREADV, SysReadWrite::preadv, FD, PTR, INT, LONG, LONG);
        t.supported(Sysno.PWRITEV, SysReadWrite::pwritev, FD, PTR, INT, LONG, LONG);
        t.partial(Sysno.PREADV2, "flags: RWF_HIPRI/DSYNC/SYNC/NOWAIT/APPEND/NOAPPEND ignored, others EOPNOTSUPP",
                SysReadWrite::preadv2, FD, PTR, INT, LONG, LONG, HEX);
        t.partial(Sysno.PWRITEV2, "flags: RWF_HIPRI/DSYNC/SYNC/NOWAIT/APPEND/NOAPPEND ignored, others EOPNOTSUPP",
                SysReadWrite::pwritev2, FD, PTR, INT, LONG, LONG, HEX);
        t.supported(Sysno.LSEEK, SysReadWrite::lseek, FD, LONG, WHENCE);
        t.partial(Sysno.COPY_FILE_RANGE, "Linux's checks; between two regular files (a sandbox file and a stdout "
                + "redirected to a host file: the root is read-only) EXDEV, as across filesystems without copy offload",
                SysReadWrite::copyFileRange, FD, PTR, FD, PTR, SIZE, HEX);
    }

    /**
     * Implements Linux copy_file_range(2)'s checks (generic_file_rw_checks): both descriptors
     * open, the offsets readable, no flags, two regular files, the first readable and the
     * second writable without O_APPEND. Two such files here are a file of the read-only root
     * and one of the cryo process's stdio redirected to a host file: different filesystems,
     * and neither offers copy offload, so EXDEV (callers fall back to read and write).
     */
    static long copyFileRange(Task t) {
        FileDescription in = t.fds().getIo(t.intArg(0));
        FileDescription out = t.fds().getIo(t.intArg(2));
        Usermem mem = t.mm().usermem();
        if (t.arg(1) != 0) mem.readLong(t.arg(1));
        if (t.arg(3) != 0) mem.readLong(t.arg(3));
        if (t.intArg(5) != 0) throw SyscallError.of(EINVAL);
        byte[] si = in.stat(), so = out.stat();
        if (dev.cryo.sentry.vfs.Stat.isDir(si) || dev.cryo.sentry.vfs.Stat.isDir(so)) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EISDIR);
        if (!dev.cryo.sentry.vfs.Stat.isRegular(si) || !dev.cryo.sentry.vfs.Stat.isRegular(so)) throw SyscallError.of(EINVAL);
        if (!in.readable() || !out.writable() || (out.flags() & dev.cryo.sentry.vfs.OpenFlags.O_APPEND) != 0) {
            throw SyscallError.of(EBADF);
        }
        throw SyscallError.of(dev.cryo.sentry.abi.Errno.EXDEV);
    }

    /** A write that failed with EPIPE also raises SIGPIPE (pipe_write, and the host's pipes alike). */
    static SyscallError sigpipeOn(Task t, SyscallError e) {
        if (e.errno() == dev.cryo.sentry.abi.Errno.EPIPE) t.kernel().sendSignal(t, // send_sig(SIGPIPE, current, 0)
                dev.cryo.sentry.kernel.SigInfo.user(dev.cryo.sentry.abi.Signals.SIGPIPE, 0, t.tgid(), t.creds().ruid));
        return e;
    }

    static FileDescription readable(Task t, int fd) {
        FileDescription f = t.fds().getIo(fd);
        if (!f.readable()) throw SyscallError.of(EBADF);
        return f;
    }

    static FileDescription writable(Task t, int fd) {
        FileDescription f = t.fds().getIo(fd);
        if (!f.writable()) throw SyscallError.of(EBADF);
        return f;
    }

    /** Linux's access_ok(): the range must lie in the user address space (mapping is checked on use). */
    private static void accessOk(Task t, long addr, long len) {
        if (len < 0 || addr + len < addr) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EFAULT);
    }

    /** Implements Linux read(2). */
    static long read(Task t) {
        FileDescription f = readable(t, t.intArg(0));
        long len = t.arg(2);
        accessOk(t, t.arg(1), len);
        return f.read(t.mm().usermem(), t.arg(1), Math.min(len, MAX_RW_COUNT));
    }

    /** Implements Linux write(2). */
    static long write(Task t) {
        FileDescription f = writable(t, t.intArg(0));
        long len = t.arg(2);
        accessOk(t, t.arg(1), len);
        if (f instanceof UnixSocket s) {
            return SysSocketIo.send(t, s, Iov.of(t.arg(1), Math.min(len, MAX_RW_COUNT)), 0, null, null, SysSocketIo.sender(t));
        }
        try {
            return f.write(t.mm().usermem(), t.arg(1), Math.min(len, MAX_RW_COUNT));
        } catch (SyscallError e) {
            throw sigpipeOn(t, e);
        }
    }

    /** Implements Linux pread64(2). */
    static long pread64(Task t) {
        FileDescription f = readable(t, t.intArg(0));
        long len = t.arg(2), off = t.arg(3);
        accessOk(t, t.arg(1), len);
        checkPos(off, len);
        return f.pread(t.mm().usermem(), t.arg(1), Math.min(len, MAX_RW_COUNT), off);
    }

    /** Implements Linux pwrite64(2). */
    static long pwrite64(Task t) {
        FileDescription f = writable(t, t.intArg(0));
        long len = t.arg(2), off = t.arg(3);
        accessOk(t, t.arg(1), len);
        checkPos(off, len);
        return f.pwrite(t.mm().usermem(), t.arg(1), Math.min(len, MAX_RW_COUNT), off);
    }

    /** rw_verify_area(): a negative position, or one that overflows with the count, is EINVAL. */
    private static void checkPos(long off, long len) {
        if (off < 0 || off + Math.min(len, MAX_RW_COUNT) < 0) throw SyscallError.of(EINVAL);
    }

    /** Implements Linux readv(2). */
    static long readv(Task t) {
        return vectored(t, readable(t, t.intArg(0)), false, -1);
    }

    /** Implements Linux writev(2). */
    static long writev(Task t) {
        FileDescription f = writable(t, t.intArg(0));
        if (f instanceof UnixSocket) return vectored(t, f, true, -1); // which raises SIGPIPE itself, for streams only
        try {
            return vectored(t, f, true, -1);
        } catch (SyscallError e) {
            throw sigpipeOn(t, e);
        }
    }

    /** Implements Linux preadv(2). */
    static long preadv(Task t) {
        FileDescription f = readable(t, t.intArg(0));
        if (t.arg(3) < 0) throw SyscallError.of(EINVAL);
        return vectored(t, f, false, t.arg(3));
    }

    /** Implements Linux pwritev(2). */
    static long pwritev(Task t) {
        FileDescription f = writable(t, t.intArg(0));
        if (t.arg(3) < 0) throw SyscallError.of(EINVAL);
        return vectored(t, f, true, t.arg(3));
    }

    /** Implements Linux preadv2(2); offset -1 means the file offset. */
    static long preadv2(Task t) {
        checkRwf(t.intArg(5));
        FileDescription f = readable(t, t.intArg(0));
        long off = t.arg(3);
        if (off < -1) throw SyscallError.of(EINVAL);
        return vectored(t, f, false, off);
    }

    /** Implements Linux pwritev2(2); offset -1 means the file offset. */
    static long pwritev2(Task t) {
        checkRwf(t.intArg(5));
        FileDescription f = writable(t, t.intArg(0));
        long off = t.arg(3);
        if (off < -1) throw SyscallError.of(EINVAL);
        return vectored(t, f, true, off);
    }

    private static void checkRwf(int flags) {
        if ((flags & ~RWF_HARMLESS) != 0) throw SyscallError.of(EOPNOTSUPP);
    }

    /**
     * The vectored calls: the iovec array is read and checked whole first (EINVAL for a count
     * past IOV_MAX or a negative length, EFAULT for an unreadable array), then each segment is
     * transferred in turn until one comes up short. {@code off} -1 means the file offset.
     */
    private static long vectored(Task t, FileDescription f, boolean write, long off) {
        int cnt = t.intArg(2);
        if (cnt == 0) return 0;
        Usermem mem = t.mm().usermem();
        Iov v = iovec(mem, t.arg(1), cnt, EINVAL);
        if (off >= 0) checkPos(off, v.total());
        if (f instanceof UnixSocket s && off < 0) {
            // One message across all the segments (sock_read_iter, sock_write_iter).
            return write ? SysSocketIo.send(t, s, v, 0, null, null, SysSocketIo.sender(t)) : SysSocketIo.recv(t, s, v);
        }
        long done = 0;
        for (int i = 0; i < cnt; i++) {
            long base = v.base(i), len = v.length(i);
            if (len == 0) continue;
            // A pipe read returns what is there: once some came, an empty pipe ends the call.
            if (!write && done > 0 && f instanceof dev.cryo.sentry.fs.pipe.PipeFile p && p.available() == 0) break;
            long n;
            try {
                if (off < 0) {
                    n = write ? f.write(mem, base, len) : f.read(mem, base, len);
                } else {
                    n = write ? f.pwrite(mem, base, len, off + done) : f.pread(mem, base, len, off + done);
                }
            } catch (SyscallError e) {
                if (done > 0) return done; // a partial transfer is reported, its error dropped
                throw e;
            }
            done += n;
            if (n < len) break;
        }
        return done;
    }

    /**
     * An iovec array (rw_copy_check_uvector, import_iovec), read and checked whole before
     * anything moves: {@code tooMany} (EINVAL for readv/writev, EMSGSIZE for a msghdr) for a
     * count outside 0..IOV_MAX, EFAULT for an unreadable array or a segment that wraps, EINVAL
     * for a negative length; the total is clamped to MAX_RW_COUNT.
     */
    static Iov iovec(Usermem mem, long addr, long count, int tooMany) {
        if (count < 0 || count > IOV_MAX) throw SyscallError.of(tooMany);
        int n = (int) count;
        long[] base = new long[n], len = new long[n];
        if (n == 0) return new Iov(base, len);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(mem.read(addr, n * 16)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long total = 0;
        for (int i = 0; i < n; i++) {
            base[i] = b.getLong(16 * i);
            len[i] = b.getLong(16 * i + 8);
            if (len[i] < 0) throw SyscallError.of(EINVAL);
            if (base[i] + len[i] < base[i]) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EFAULT);
            len[i] = Math.min(len[i], MAX_RW_COUNT - total);
            total += len[i];
        }
        return new Iov(base, len);
    }

    /** Implements Linux lseek(2). */
    static long lseek(Task t) {
        FileDescription f = t.fds().getIo(t.intArg(0));
        int whence = t.intArg(2);
        if (whence < 0 || whence > SEEK_MAX) throw SyscallError.of(EINVAL);
        return f.seek(t.arg(1), whence);
    }
}
