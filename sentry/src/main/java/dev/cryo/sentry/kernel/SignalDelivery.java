package dev.cryo.sentry.kernel;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.Sysno;
import java.util.concurrent.locks.LockSupport;

/**
 * What a task does with its pending signals before it returns to the application
 * (arch/x86/kernel/signal.c arch_do_signal_or_restart, kernel/signal.c get_signal): take each
 * deliverable signal in order, ignore it, stop, die, or push a handler frame; and settle a
 * system call that asked to be restarted — EINTR or a restart depending on whether a handler
 * runs and its SA_RESTART. Runs on the task's own thread only.
 */
final class SignalDelivery {
    private SignalDelivery() {}

    /** How often a stopped task looks again (a SIGCONT or freeze also wakes it at once). */
    private static final long STOPPED_POLL_NANOS = 100_000_000L;

    static boolean isRestart(long rax) {
        return rax == -Errno.ERESTARTSYS || rax == -Errno.ERESTARTNOINTR || rax == -Errno.ERESTARTNOHAND
                || rax == -Errno.ERESTART_RESTARTBLOCK;
    }

    /**
     * Delivers what is pending and deliverable. {@code afterSyscall}: the task just made a system
     * call whose result is in RAX (an ERESTART* code is settled here). Returns the ERESTART* code
     * of a call it set up to run again for want of a handler, else 0: if the task then waits
     * (a freeze, a stop) before it runs, {@link #undoRestart} lets the next delivery decide again
     * with the signals that came meanwhile, as Linux decides only after get_signal returns.
     */
    static long deliver(Task t, boolean afterSyscall) {
        long[] regs = t.regs;
        boolean restart = afterSyscall && regs[Regs.ORIG_RAX] >= 0 && isRestart(regs[Regs.RAX]);
        TaskSignals ts = t.signals;
        if (ts.process.continueToNotify) notifyContinued(t);
        // The common case, without the lock: nothing to deliver or settle. A signal sent just after
        // this look also interrupts the task's stub, so it is delivered on the next return.
        if (!restart && !ts.restoreSavedMask && (ts.pendingSet() & ~ts.mask) == 0) return 0;
        Object lock = t.kernel.signalLock;
        boolean handled = false;
        int stoppedBy = 0;
        while (!t.exited) {
            SigInfo info;
            SignalAction act;
            long oldMask;
            synchronized (lock) {
                if (ts.process.stopped) break; // the task loop waits for SIGCONT
                info = Signalling.dequeue(t, ts.mask);
                if (info == null) break;
                int sig = info.signo();
                SignalAction a = ts.handlers.get(sig);
                boolean dfl = a.handler == Signals.SIG_DFL || sig == Signals.SIGKILL || sig == Signals.SIGSTOP;
                if (!dfl && a.handler == Signals.SIG_IGN) continue;
                if (dfl) {
                    if (Signalling.defaultIgnore(sig)) continue;
                    if (Signalling.defaultStop(sig)) {
                        SignalTrace.print(t.kernel.strace(), info);
                        stopGroup(t, sig);
                        stoppedBy = sig;
                        break;
                    }
                    act = null;
                } else {
                    act = a.copy();
                    if ((a.flags & Signals.SA_RESETHAND) != 0) a.handler = Signals.SIG_DFL; // SA_ONESHOT
                }
                oldMask = ts.restoreSavedMask ? ts.savedMask : ts.mask;
            }
            int sig = info.signo();
            SignalTrace.print(t.kernel.strace(), info);
            if (act == null) {
                t.killBySignal(sig, Signals.defaultCore(sig));
                java.io.PrintStream out = t.kernel.strace();
                if (out != null) out.println("+++ killed by " + Signals.name(sig) + (Signals.defaultCore(sig) ? " (core dumped)" : "") + " +++");
                return 0;
            }
            if (restart) {
                restartWithHandler(regs, act);
                restart = false;
            }
            if (!SignalFrame.setup(t, info, act, oldMask)) {
                forceSigsegv(t, sig);
                continue;
            }
            synchronized (lock) {
                ts.restoreSavedMask = false;
                long add = act.mask | ((act.flags & Signals.SA_NODEFER) != 0 ? 0 : Signals.bit(sig));
                ts.mask = (ts.mask | add) & ~TaskSignals.UNBLOCKABLE;
            }
            handled = true;
        }
        if (stoppedBy != 0) TaskExit.notifyParent(t.group, SigInfo.CLD_STOPPED, stoppedBy);
        long restartCode = 0;
        if (restart) {
            restartCode = regs[Regs.RAX];
            restartWithoutHandler(regs);
        }
        if (!handled && ts.restoreSavedMask) { // only this task's thread sets it
            synchronized (lock) {
                if (ts.restoreSavedMask && !ts.process.stopped) {
                    ts.mask = ts.savedMask;
                    ts.restoreSavedMask = false;
                }
            }
        }
        return restartCode;
    }

    /** Puts back the state {@link #restartWithoutHandler} changed: the call's result is {@code code} again. */
    static void undoRestart(long[] regs, long code) {
        regs[Regs.RIP] += 2;
        regs[Regs.RAX] = code;
    }

    /** A handler runs: the call fails with EINTR, unless it may restart (SA_RESTART) or must. */
    static void restartWithHandler(long[] regs, SignalAction act) {
        long rax = regs[Regs.RAX];
        if (rax == -Errno.ERESTART_RESTARTBLOCK || rax == -Errno.ERESTARTNOHAND
                || (rax == -Errno.ERESTARTSYS && (act.flags & Signals.SA_RESTART) == 0)) {
            regs[Regs.RAX] = -Errno.EINTR;
        } else {
            regs[Regs.RAX] = regs[Regs.ORIG_RAX];
            regs[Regs.RIP] -= 2;
        }
    }

    /**
     * No handler ran (a freeze, a stop, an ignored or blocked signal): the call runs again —
     * back over the two-byte {@code syscall}, with its number, or restart_syscall(2)'s, which
     * continues from the task's restart block.
     */
    static void restartWithoutHandler(long[] regs) {
        long rax = regs[Regs.RAX];
        regs[Regs.RAX] = rax == -Errno.ERESTART_RESTARTBLOCK ? Sysno.RESTART_SYSCALL : regs[Regs.ORIG_RAX];
        regs[Regs.RIP] -= 2;
    }

    /** force_sigsegv: the frame for {@code sig} could not be built. A SIGSEGV handler that failed is reset first. */
    private static void forceSigsegv(Task t, int sig) {
        synchronized (t.kernel.signalLock) {
            if (sig == Signals.SIGSEGV) t.signals.handlers.get(Signals.SIGSEGV).handler = Signals.SIG_DFL;
        }
        Signalling.force(t, SigInfo.kernel(Signals.SIGSEGV));
    }

    /**
     * do_signal_stop: the process stops until SIGCONT or SIGKILL; its other threads are made to
     * come back from the application and see it. Holds the signal lock.
     */
    private static void stopGroup(Task t, int sig) {
        ProcessSignals ps = t.signals.process;
        ps.stopped = true;
        ps.stopSignal = sig;
        ps.stopToReport = sig;
        ps.continued = false;
        ps.continueToNotify = false;
        for (Task x : t.kernel.tasksUnsafe()) if (x != t && x.signals.process == ps) x.kick();
    }

    /** The first thread of a continued process to run tells its parent (do_notify_parent_cldstop). */
    private static void notifyContinued(Task t) {
        ProcessSignals ps = t.signals.process;
        synchronized (t.kernel.signalLock) {
            if (!ps.continueToNotify) return;
            ps.continueToNotify = false;
        }
        TaskExit.notifyParent(t.group, SigInfo.CLD_CONTINUED, Signals.SIGCONT);
    }

    /**
     * Waits while the task's process is stopped; returns when it is continued or killed, or when
     * a freeze needs the task (which parks as it is: the stop is saved and goes on after a restore).
     */
    static void waitWhileStopped(Task t) {
        Kernel k = t.kernel;
        while (true) {
            synchronized (k.signalLock) {
                TaskSignals ts = t.signals;
                if (!ts.process.stopped || (ts.pendingSet() & Signals.bit(Signals.SIGKILL)) != 0) return;
            }
            if (k.freezeRequested() || t.exited) return;
            LockSupport.parkNanos(STOPPED_POLL_NANOS);
            Thread.interrupted(); // a send's wake-up: look again
        }
    }

    /** Whether the task's process is stopped (and not being killed): checked on every return to the application. */
    static boolean stopped(Task t) {
        if (!t.signals.process.stopped) return false; // a stale read only delays the stop to the next return
        synchronized (t.kernel.signalLock) {
            return t.signals.process.stopped && (t.signals.pendingSet() & Signals.bit(Signals.SIGKILL)) == 0;
        }
    }
}
