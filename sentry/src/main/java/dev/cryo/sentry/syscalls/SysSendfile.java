package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ESPIPE;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.fs.socket.Iov;
import dev.cryo.sentry.fs.socket.UnixSocket;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;

/**
 * sendfile(2), as Linux's do_sendfile: the bytes go from one description to the other through
 * a buffer of the Sentry's ({@link Usermem#kernelBuffer}), so every file's own read and write
 * serve it. Into a pipe it is one splice, as Linux's: it waits for a free slot, then fills at
 * most the free slots, a page of the file each, and returns; into anything else it loops until
 * the count is moved, the input ends or the output takes less. Nothing is kept between calls:
 * a call a checkpoint interrupts before it moved anything starts again from the same offset.
 */
final class SysSendfile {
    private SysSendfile() {}

    /** Bytes per step into a file that is not a pipe: a pipe's worth, as splice_direct_to_actor moves. */
    static final int STEP = 16 * 4096;
    private static final int PAGE = 4096;
    private static final int SEEK_SET = 0, SEEK_CUR = 1;

    static void register(SyscallTable t) {
        t.partial(Sysno.SENDFILE, "from a regular file or a device; from a socket EINVAL (Linux splices from one)",
                SysSendfile::sendfile, FD, FD, PTR, SIZE);
    }

    /** Implements Linux sendfile(2) (sendfile64 on x86-64). */
    static long sendfile(Task t) {
        int outFd = t.intArg(0), inFd = t.intArg(1);
        long offPtr = t.arg(2), count = t.arg(3);
        Usermem mem = t.mm().usermem();
        long pos = offPtr != 0 ? mem.readLong(offPtr) : 0; // copy_from_user, before anything else
        FileDescription in = t.fds().getIo(inFd);
        if (!in.readable()) throw SyscallError.of(EBADF);
        int inType = Stat.type(in.stat());
        boolean unseekable = inType == Stat.S_IFIFO || inType == Stat.S_IFSOCK;
        if (offPtr != 0 && unseekable) throw SyscallError.of(ESPIPE); // no FMODE_PREAD
        boolean positional = true;
        if (offPtr == 0 && !unseekable && inType != Stat.S_IFDIR) {
            try {
                pos = in.seek(0, SEEK_CUR);
            } catch (SyscallError e) {
                if (e.errno() != ESPIPE) throw e;
                positional = false; // a terminal, say: read where it is
            }
        }
        // rw_verify_area(READ): a count or an offset that would pass the largest loff_t.
        if (count < 0 || pos < 0 || pos + count < 0) throw SyscallError.of(EINVAL);
        count = Math.min(count, SysReadWrite.MAX_RW_COUNT);
        FileDescription out = t.fds().getIo(outFd);
        if (!out.writable()) throw SyscallError.of(EBADF);
        // Linux splices from files whose ops read pages: regular files and devices (from a
        // socket too, which the Sentry's sockets do not offer); not from pipes or directories.
        boolean canSplice = inType == Stat.S_IFREG || inType == Stat.S_IFCHR || inType == Stat.S_IFBLK;
        long base = Host.allocate(STEP);
        try {
            Usermem buf = Usermem.kernelBuffer(base, STEP);
            long done;
            if (out instanceof PipeFile pipe) {
                int slots;
                try {
                    slots = pipe.awaitSlots();
                } catch (SyscallError e) {
                    throw SysReadWrite.sigpipeOn(t, e);
                }
                if (count == 0) return 0;
                if (!canSplice) throw SyscallError.of(EINVAL);
                done = toPipe(in, pipe, buf, positional, pos, count, slots, inType == Stat.S_IFREG);
            } else {
                if ((out.flags() & OpenFlags.O_APPEND) != 0 || !canSplice) throw SyscallError.of(EINVAL);
                done = toFile(t, in, out, buf, positional, pos, count);
            }
            if (done > 0) {
                if (offPtr == 0 && positional) in.seek(pos + done, SEEK_SET);
            }
            if (offPtr != 0) mem.writeLong(offPtr, pos + done); // put_user: EFAULT even after the bytes moved
            return done;
        } finally {
            Host.free(base);
        }
    }

    /**
     * One splice into a pipe with {@code slots} free: a page-sized piece of the input per slot
     * (a regular file's pieces end at its page boundaries, as page-cache pages do), stopping
     * at the input's end.
     */
    private static long toPipe(FileDescription in, PipeFile pipe, Usermem buf, boolean positional, long pos, long count,
            int slots, boolean pageCache) {
        long done = 0;
        try {
            for (int k = 0; k < slots && done < count; k++) {
                int want = (int) Math.min(count - done, pageCache ? PAGE - ((pos + done) & (PAGE - 1)) : PAGE);
                long got = positional ? in.pread(buf, 0, want, pos + done) : in.read(buf, 0, want);
                if (got <= 0) break;
                pipe.addSplicedPage(buf, 0, (int) got);
                done += got;
                if (got < want) break;
            }
        } catch (SyscallError e) {
            if (done == 0) throw e;
        } finally {
            if (done > 0) pipe.splicedIn();
        }
        return done;
    }

    /** Into a file that is not a pipe: a step at a time until the count, the input's end or a short write. */
    private static long toFile(Task t, FileDescription in, FileDescription out, Usermem buf, boolean positional,
            long pos, long count) {
        long done = 0;
        while (done < count) {
            int want = (int) Math.min(count - done, STEP);
            long got, put;
            try {
                got = positional ? in.pread(buf, 0, want, pos + done) : in.read(buf, 0, want);
                if (got <= 0) break;
                put = write(t, out, buf, got);
            } catch (SyscallError e) {
                if (done == 0) throw e;
                break; // what moved is reported, as splice_direct_to_actor does
            }
            done += put;
            if (put < got || got < want) break;
        }
        return done;
    }

    private static long write(Task t, FileDescription out, Usermem buf, long n) {
        try {
            if (out instanceof UnixSocket s) return s.send(buf, Iov.of(0, n), 0, null, SysSocketIo.sender(t));
            return out.write(buf, 0, n);
        } catch (SyscallError e) {
            if (out instanceof UnixSocket s && !s.raisesSigpipe()) throw e;
            throw SysReadWrite.sigpipeOn(t, e);
        }
    }
}
