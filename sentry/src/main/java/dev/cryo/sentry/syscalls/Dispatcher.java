package dev.cryo.sentry.syscalls;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.kernel.SyscallDispatcher;
import dev.cryo.sentry.kernel.Task;
import java.io.PrintStream;

/**
 * Serves a task's system call from the {@link SyscallTable}: the one place where a thrown
 * {@link SyscallError} becomes {@code -errno} in RAX, where ENOSYS is counted, and where
 * --strace prints.
 */
public final class Dispatcher implements SyscallDispatcher {
    private final SyscallTable table;

    public Dispatcher(SyscallTable table) {
        this.table = table;
    }

    public SyscallTable table() {
        return table;
    }

    @Override
    public void dispatch(Task t) {
        long[] regs = t.regs();
        long nr = regs[Regs.ORIG_RAX];
        SyscallTable.Entry e = table.get(nr);
        PrintStream strace = t.kernel().strace();
        long[] args = strace == null ? null : new long[] {t.arg(0), t.arg(1), t.arg(2), t.arg(3), t.arg(4), t.arg(5)};
        long r;
        boolean linuxAnswer = false;
        if (e == null) {
            r = -Errno.ENOSYS;
        } else {
            var c = t.creds();
            dev.cryo.sentry.vfs.Caller.set(c.fsuid, c.fsgid, c.groups);
            try {
                r = e.handler().call(t);
            } catch (SyscallError err) {
                r = -err.errno();
                linuxAnswer = err == SyscallError.LINUX_ENOSYS;
            }
        }
        if (r == -Errno.ENOSYS && !linuxAnswer) {
            t.kernel().stats().countEnosys(nr);
        }
        if (!t.exited()) {
            // An ERESTART* code stays in RAX: the kernel settles it before the task returns to the
            // application (EINTR if a handler runs, else a restart), as arch_do_signal_or_restart.
            regs[Regs.RAX] = r;
        }
        if (strace != null) {
            Strace.print(strace, t, nr, e, args, r);
        }
    }
}
