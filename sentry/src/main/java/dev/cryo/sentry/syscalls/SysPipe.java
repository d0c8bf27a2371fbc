package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.pipe.Pipe;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;

/** pipe and pipe2 (fs/pipe.c do_pipe2). */
final class SysPipe {
    private SysPipe() {}


    static void register(SyscallTable t) {
        t.supported(Sysno.PIPE, SysPipe::pipe, PTR);
        t.partial(Sysno.PIPE2, "O_DIRECT (packet mode) and O_NOTIFICATION_PIPE are refused with EINVAL",
                SysPipe::pipe2, PTR, HEX);
    }

    /** Implements Linux pipe(2). */
    static long pipe(Task t) {
        return make(t, t.arg(0), 0);
    }

    /** Implements Linux pipe2(2). */
    static long pipe2(Task t) {
        int flags = t.intArg(1);
        if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK)) != 0) throw SyscallError.of(EINVAL);
        return make(t, t.arg(0), flags);
    }

    private static long make(Task t, long addr, int flags) {
        PipeFile[] ends = Pipe.create(t.kernel().lock(), t.kernel().nextAnonInode(), flags);
        return installPair(t, ends[0], ends[1], (flags & OpenFlags.O_CLOEXEC) != 0, addr);
    }

    /**
     * Installs the two ends of a pipe or a socket pair at the lowest free descriptors and writes
     * their numbers at {@code addr} (do_pipe2, __sys_socketpair). On EMFILE or EFAULT nothing
     * stays installed, and an end no table took is released.
     */
    static long installPair(Task t, FileDescription first, FileDescription second, boolean cloexec, long addr) {
        int a;
        try {
            a = t.fds().install(first, cloexec, 0);
        } catch (SyscallError e) {
            release(first);
            release(second);
            throw e;
        }
        int b;
        try {
            b = t.fds().install(second, cloexec, 0);
        } catch (SyscallError e) {
            t.fds().close(a);
            release(second);
            throw e;
        }
        try {
            var mem = t.mm().usermem();
            mem.writeInt(addr, a);
            mem.writeInt(addr + 4, b);
        } catch (SyscallError e) {
            t.fds().close(a);
            t.fds().close(b);
            throw SyscallError.of(EFAULT);
        }
        return 0;
    }

    /** Releases a description that no descriptor table ever held (its last reference). */
    static void release(FileDescription f) {
        f.incRef();
        f.decRef();
    }
}
