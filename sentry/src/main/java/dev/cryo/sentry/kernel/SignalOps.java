package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;
import java.util.concurrent.locks.LockSupport;

/**
 * What the signal system calls ask of the kernel beyond sending (which is
 * {@link Kernel#sendSignal} and {@link Kernel#sendToThreadGroup}): dispositions, sigreturn,
 * and waiting for a signal. Each takes the signal lock as needed.
 */
public final class SignalOps {
    private SignalOps() {}

    /**
     * do_sigaction: installs {@code next} (already masked and checked) for {@code sig} if not
     * null and returns the previous disposition. Setting a disposition that ignores the signal
     * discards its pending instances, blocked or not (POSIX 3.3.1.3).
     */
    public static SignalAction setAction(Task t, int sig, SignalAction next) {
        synchronized (t.kernel.signalLock) {
            SignalAction cur = t.signals.handlers.get(sig);
            SignalAction old = cur.copy();
            if (next != null) {
                cur.handler = next.handler;
                cur.flags = next.flags;
                cur.restorer = next.restorer;
                cur.mask = next.mask;
                if (cur.handler == Signals.SIG_IGN || (cur.handler == Signals.SIG_DFL && Signalling.defaultIgnore(sig))) {
                    long bit = Signals.bit(sig);
                    t.signals.process.shared.flush(bit);
                    for (Task x : t.kernel.tasksUnsafe()) if (x.signals.process == t.signals.process) x.signals.pending.flush(bit);
                }
            }
            return old;
        }
    }

    /**
     * rt_sigreturn(2): restores the context the handler's frame saved and returns the restored
     * RAX. A bad frame forces SIGSEGV, as signal_fault does.
     */
    public static long sigreturn(Task t) {
        if (!SignalFrame.restore(t)) {
            Signalling.force(t, SigInfo.kernel(Signals.SIGSEGV));
            return t.regs[dev.cryo.platform.Regs.RAX];
        }
        return t.regs[dev.cryo.platform.Regs.RAX];
    }

    /**
     * Blocks until a signal the task does not block is pending, a freeze needs the task, or the
     * sandbox's monotonic clock reaches {@code deadline} (Long.MAX_VALUE: no timeout). Returns
     * false on timeout.
     */
    public static boolean waitInterruptible(Task t, long deadline) {
        while (true) {
            if (t.freezePending()) return true;
            long left = deadline == Long.MAX_VALUE ? 100_000_000L : deadline - t.kernel.uptimeNanos();
            if (left <= 0) return false;
            long nanos = Math.min(left, 100_000_000L);
            // The kernel lock is given up meanwhile: other tasks run on (and send the signal).
            t.kernel.lock().unlocked(() -> {
                LockSupport.parkNanos(nanos);
                return null;
            });
            Thread.interrupted(); // a send's or a freeze's wake-up: the loop looks at why
        }
    }

    /**
     * rt_sigtimedwait's wait: the signals of {@code set} are unblocked while waiting, so that
     * their arrival wakes the task, and blocked again before it returns.
     */
    public static boolean waitForSet(Task t, long set, long deadline) {
        long saved;
        synchronized (t.kernel.signalLock) {
            saved = t.signals.mask;
            t.signals.mask &= ~set;
        }
        try {
            return waitInterruptible(t, deadline);
        } finally {
            synchronized (t.kernel.signalLock) {
                t.signals.mask = saved;
            }
        }
    }
}
