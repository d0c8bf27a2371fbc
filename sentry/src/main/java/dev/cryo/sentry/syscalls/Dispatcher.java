package dev.cryo.sentry.syscalls;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
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

    /**
     * A call interrupted by a freeze (never by a signal handler: there are none yet) is made to
     * run again when the task resumes, as arch/x86/kernel/signal.c does with no handler: back
     * up RIP over the two-byte {@code syscall} and put the number back in RAX, or, for
     * ERESTART_RESTARTBLOCK, restart_syscall's number, which continues from the task's
     * restart block.
     */
    private static void restart(long[] regs, long r) {
        if (r == -Errno.ERESTARTSYS || r == -Errno.ERESTARTNOINTR || r == -Errno.ERESTARTNOHAND) {
            regs[Regs.RAX] = regs[Regs.ORIG_RAX];
            regs[Regs.RIP] -= 2;
        } else if (r == -Errno.ERESTART_RESTARTBLOCK) {
            regs[Regs.RAX] = Sysno.RESTART_SYSCALL;
            regs[Regs.RIP] -= 2;
        }
    }

    @Override
    public void dispatch(Task t) {
        long[] regs = t.regs();
        long nr = regs[Regs.ORIG_RAX];
        SyscallTable.Entry e = table.get(nr);
        PrintStream strace = t.kernel().strace();
        long[] args = strace == null ? null : new long[] {t.arg(0), t.arg(1), t.arg(2), t.arg(3), t.arg(4), t.arg(5)};
        long r;
        if (e == null) {
            r = -Errno.ENOSYS;
        } else {
            try {
                r = e.handler().call(t);
            } catch (SyscallError err) {
                r = -err.errno();
            }
        }
        if (r == -Errno.ENOSYS) {
            t.kernel().stats().countEnosys(nr);
        }
        if (!t.exited()) {
            regs[Regs.RAX] = r;
            restart(regs, r);
        }
        if (strace != null) {
            Strace.print(strace, t, nr, e, args, r);
        }
    }
}
