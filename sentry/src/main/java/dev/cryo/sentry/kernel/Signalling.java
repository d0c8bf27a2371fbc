package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;
import java.util.ArrayList;
import java.util.List;

/**
 * Sending and taking signals (kernel/signal.c: send_signal, prepare_signal, complete_signal,
 * dequeue_signal, force_sig_info). Every method takes the kernel's {@link SignalLock} itself.
 * {@link #send} and {@link #expire} also read the task table (the Kernel's monitor, which comes
 * first in the lock order): they must not be called with the signal lock held.
 */
final class Signalling {
    private Signalling() {}

    static final long STOP_SIGNALS = Signals.bit(Signals.SIGSTOP) | Signals.bit(Signals.SIGTSTP)
            | Signals.bit(Signals.SIGTTIN) | Signals.bit(Signals.SIGTTOU);

    /** Whether the action of {@code sig} at SIG_DFL is to stop the process. */
    static boolean defaultStop(int sig) {
        return (STOP_SIGNALS & Signals.bit(sig)) != 0;
    }

    /** Whether {@code sig} at SIG_DFL is dropped (SIGCONT's continuing happens when it is sent). */
    static boolean defaultIgnore(int sig) {
        return sig == Signals.SIGCONT || Signals.defaultIgnore(sig);
    }

    /** The threads of {@code t}'s process: every task of the kernel with its process signals. */
    static List<Task> threadsOf(Task t) {
        List<Task> out = new ArrayList<>();
        for (Task x : t.kernel.tasks().values()) if (x.signals.process == t.signals.process && !x.exited) out.add(x);
        if (out.isEmpty()) out.add(t);
        return out;
    }

    /**
     * Sends {@code info} to {@code target}: to that thread, or with {@code group} to its whole
     * process. Returns false if a real-time signal could not be queued (RLIMIT_SIGPENDING);
     * a signal that is ignored counts as sent.
     */
    static boolean send(Task target, SigInfo info, boolean group) {
        Kernel k = target.kernel;
        int sig = info.signo();
        List<Task> threads = threadsOf(target);
        synchronized (k.signalLock) {
            TaskSignals ts = target.signals;
            ProcessSignals ps = ts.process;
            prepare(ps, threads, sig);
            // Blocked signals are queued even when ignored: the disposition may change before they
            // are unblocked (sig_ignored). Ignored ones are dropped on arrival otherwise.
            boolean blockedEverywhere = true;
            for (Task x : group ? threads : List.of(target)) {
                if ((x.signals.mask & Signals.bit(sig)) == 0) blockedEverywhere = false;
            }
            if (!blockedEverywhere && ignored(ts.handlers, sig)) return true;
            SignalQueue q = group ? ps.shared : ts.pending;
            if (sig >= Signals.SIGRTMIN && info.code() < 0 && pendingCount(threads) >= target.limits.soft(Limits.SIGPENDING)) {
                return false;
            }
            q.enqueue(info);
            // complete_signal: wake whoever can take it.
            for (Task x : group ? threads : List.of(target)) {
                if ((x.signals.mask & Signals.bit(sig)) == 0 || sig == Signals.SIGKILL) wake(x);
            }
            return true;
        }
    }

    private static boolean ignored(SignalHandlers h, int sig) {
        if (sig == Signals.SIGKILL || sig == Signals.SIGSTOP) return false;
        long hd = h.get(sig).handler;
        return hd == Signals.SIG_IGN || (hd == Signals.SIG_DFL && defaultIgnore(sig));
    }

    private static long pendingCount(List<Task> threads) {
        long n = threads.isEmpty() ? 0 : threads.get(0).signals.process.shared.count();
        for (Task x : threads) n += x.signals.pending.count();
        return n;
    }

    /**
     * prepare_signal's side effects on arrival: a stop signal cancels pending SIGCONTs, and
     * SIGCONT (or SIGKILL) cancels pending stops and resumes a stopped process, whatever the
     * disposition.
     */
    private static void prepare(ProcessSignals ps, List<Task> threads, int sig) {
        if (defaultStop(sig)) {
            long cont = Signals.bit(Signals.SIGCONT);
            ps.shared.flush(cont);
            for (Task x : threads) x.signals.pending.flush(cont);
        } else if (sig == Signals.SIGCONT || sig == Signals.SIGKILL) {
            ps.shared.flush(STOP_SIGNALS);
            for (Task x : threads) x.signals.pending.flush(STOP_SIGNALS);
            if (ps.stopped) {
                ps.stopped = false;
                ps.stopToReport = 0;
                ps.continued = sig == Signals.SIGCONT;
                ps.continueToNotify = ps.continued;
                for (Task x : threads) wake(x);
            }
        }
    }

    private static void wake(Task x) {
        if (x.thread != Thread.currentThread()) x.interrupt();
    }

    /**
     * force_sig_info: a signal the task caused (a fault, a frame it cannot take). If it is
     * blocked or ignored it is unblocked and its disposition reset, so that it kills.
     */
    static void force(Task t, SigInfo info) {
        int sig = info.signo();
        synchronized (t.kernel.signalLock) {
            TaskSignals ts = t.signals;
            SignalAction a = ts.handlers.get(sig);
            boolean blocked = (ts.mask & Signals.bit(sig)) != 0;
            if (blocked || a.handler == Signals.SIG_IGN) {
                a.handler = Signals.SIG_DFL;
                ts.mask &= ~Signals.bit(sig);
            }
            ts.pending.enqueue(info);
        }
    }

    /** Whether a signal {@code t} does not block is pending for it. */
    static boolean hasDeliverable(Task t) {
        synchronized (t.kernel.signalLock) {
            return (t.signals.pendingSet() & ~t.signals.mask) != 0;
        }
    }

    /**
     * dequeue_signal: takes the next pending signal not in {@code blocked}, the task's own
     * before its process's, synchronous faults first. Null if none.
     */
    static SigInfo dequeue(Task t, long blocked) {
        synchronized (t.kernel.signalLock) {
            TaskSignals ts = t.signals;
            int sig = SignalQueue.next(ts.pending.set & ~blocked);
            SigInfo info;
            if (sig != 0) {
                info = ts.pending.dequeue(sig);
            } else {
                sig = SignalQueue.next(ts.process.shared.set & ~blocked);
                if (sig == 0) return null;
                info = ts.process.shared.dequeue(sig);
            }
            if (info == null) info = SigInfo.kernel(sig); // set without an instance: cannot happen, but never crash
            return timerDequeued(ts.process, info);
        }
    }

    /** A POSIX timer's signal leaves the queue: it carries the overruns counted meanwhile (posixtimer_rearm). */
    private static SigInfo timerDequeued(ProcessSignals ps, SigInfo info) {
        if (info.code() != SigInfo.SI_TIMER) return info;
        for (IntervalTimer tm : ps.posixTimers.values()) {
            if (tm.queued == info) {
                tm.queued = null;
                tm.overrunLast = tm.overrun;
                tm.overrun = 0;
                return info.withOverrun(tm.overrunLast);
            }
        }
        return info;
    }

    // ---- timers

    /** Now on a timer clock: the host's wall clock, or the sandbox's monotonic clock. */
    static long clockNow(Kernel k, int kind) {
        if (kind == IntervalTimer.WALL) {
            java.time.Instant i = java.time.Instant.now();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }
        return k.uptimeNanos();
    }

    /** A timer's deadline passed at {@code now}: re-arm or disarm it and signal its target. */
    static void expire(Kernel k, IntervalTimer tm, long now) {
        java.util.Collection<Task> all = k.tasks().values();
        Task target = null;
        SigInfo info;
        synchronized (k.signalLock) {
            if (!tm.armed || now < tm.deadline) return; // changed meanwhile
            long missed = tm.advance(now);
            if (tm.notify == IntervalTimer.SIGEV_NONE) return;
            for (Task x : all) {
                if (x.exited || x.tgid != tm.tgid) continue;
                if (tm.notify == IntervalTimer.SIGEV_THREAD_ID ? x.tid == tm.targetTid : x.tid == x.tgid || target == null) {
                    target = x;
                }
            }
            if (target == null) return;
            if (tm.id >= 0 && tm.queued != null) {
                tm.overrun += (int) Math.min(Integer.MAX_VALUE - tm.overrun, 1 + missed);
                return;
            }
            info = tm.newInfo();
            if (tm.id >= 0) {
                tm.overrun = (int) Math.min(Integer.MAX_VALUE, missed);
                tm.queued = info;
            }
        }
        send(target, info, tm.notify != IntervalTimer.SIGEV_THREAD_ID);
    }

    /** The task's own thread: fires its process's CPU-time timers that are due (ITIMER_VIRTUAL, ITIMER_PROF, CPU clocks). */
    static void checkCpuTimers(Task t) {
        ProcessSignals ps = t.signals.process;
        // The common case, checked without the lock on every return to the application: no
        // CPU timer can be armed (a stale read only delays a check to the next return).
        if (ps.itimers[1] == null && ps.itimers[2] == null && ps.posixTimers.isEmpty()) return;
        long cpu = -1;
        List<IntervalTimer> due = null;
        synchronized (t.kernel.signalLock) {
            for (IntervalTimer tm : TimerService.timersOf(ps)) {
                if (!tm.armed || tm.clockKind != IntervalTimer.CPU) continue;
                if (cpu < 0) cpu = t.cpuTimeNanos();
                if (cpu >= tm.deadline) {
                    if (due == null) due = new ArrayList<>();
                    due.add(tm);
                }
            }
        }
        if (due != null) for (IntervalTimer tm : due) expire(t.kernel, tm, cpu);
    }
}
