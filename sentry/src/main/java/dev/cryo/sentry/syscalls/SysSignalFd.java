package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.SignalFdFile;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.OpenFlags;

/** signalfd(2) and signalfd4(2). */
final class SysSignalFd {
    private SysSignalFd() {}

    static void register(SyscallTable t) {
        String note = "a signal is seen by a blocked read or a poll within 5 ms, not at once";
        t.partial(Sysno.SIGNALFD, note, task -> signalfd(task, 0), INT, PTR, SIZE);
        t.partial(Sysno.SIGNALFD4, note, task -> signalfd(task, task.intArg(3)), INT, PTR, SIZE, HEX);
    }

    /** Checks in signalfd4's order: flags, the mask's size, the mask, then the descriptor. */
    static long signalfd(Task t, int flags) {
        if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK)) != 0) throw SyscallError.of(EINVAL);
        if (t.arg(2) != 8) throw SyscallError.of(EINVAL);
        long mask = t.mm().usermem().readLong(t.arg(1));
        return SignalFdFile.signalfd(t, t.intArg(0), mask, flags);
    }
}
