package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.syscalls.Arg.BUF_IN;
import static dev.cryo.sentry.syscalls.Arg.BUF_OUT;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;

/** FIRST CUT: read and write only. */
final class SysReadWrite {
    private SysReadWrite() {}

    static void register(SyscallTable t) {
        t.supported(Sysno.READ, SysReadWrite::read, FD, BUF_OUT, SIZE);
        t.supported(Sysno.WRITE, SysReadWrite::write, FD, BUF_IN, SIZE);
    }

    static long read(Task t) {
        return t.fds().get(t.intArg(0)).read(t.mm().usermem(), t.arg(1), t.arg(2));
    }

    static long write(Task t) {
        return t.fds().get(t.intArg(0)).write(t.mm().usermem(), t.arg(1), t.arg(2));
    }
}
