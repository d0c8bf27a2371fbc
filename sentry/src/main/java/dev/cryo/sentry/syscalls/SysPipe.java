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
        boolean cloexec = (flags & OpenFlags.O_CLOEXEC) != 0;
        int r = t.fds().install(ends[0], cloexec, 0);
        int w;
        try {
            w = t.fds().install(ends[1], cloexec, 0);
        } catch (SyscallError e) {
            t.fds().close(r);
            ends[1].incRef();
            ends[1].decRef(); // the write end was never installed: release it
            throw e;
        }
        try {
            var mem = t.mm().usermem();
            mem.writeInt(addr, r);
            mem.writeInt(addr + 4, w);
        } catch (SyscallError e) {
            t.fds().close(r);
            t.fds().close(w);
            throw SyscallError.of(EFAULT);
        }
        return 0;
    }

}
