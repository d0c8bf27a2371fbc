package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;

/**
 * The interval timers of a process as setitimer(2)/alarm(2) and timer_create(2) see them
 * (kernel/time/itimer.c, posix-timers.c). Values are nanoseconds; a timer's remaining time is
 * measured on its clock, so an armed ITIMER_REAL or CLOCK_MONOTONIC timer keeps its remaining
 * time across a checkpoint (the sandbox's monotonic clock goes on from its saved value).
 * Called on the owning task's thread (CPU clocks are read from it).
 */
public final class TimerOps {
    private TimerOps() {}

    /** Most timers a process may create: timer_create says EAGAIN past it. */
    public static final int MAX_TIMERS = 4096;

    private static long now(Task t, IntervalTimer tm) {
        return tm.clockKind == IntervalTimer.CPU ? t.cpuTimeNanos() : Signalling.clockNow(t.kernel, tm.clockKind);
    }

    /** {remaining, interval} of a timer; remaining 0 when disarmed, at least 1 ns while armed. */
    private static long[] value(Task t, IntervalTimer tm) {
        if (tm == null || !tm.armed) return new long[] {0, tm == null ? 0 : tm.interval};
        long left = tm.deadline - now(t, tm);
        return new long[] {Math.max(1, left), tm.interval};
    }

    private static void arm(Task t, IntervalTimer tm, long deadline, long interval) {
        tm.interval = interval;
        tm.overrun = 0;
        tm.armed = true;
        tm.deadline = deadline;
    }

    /** getitimer(2): {remaining, interval} of ITIMER_REAL (0), VIRTUAL (1) or PROF (2). */
    public static long[] getItimer(Task t, int which) {
        synchronized (t.kernel.signalLock) {
            return value(t, t.signals.process.itimers[which]);
        }
    }

    /** setitimer(2): arms (value > 0) or disarms the timer; returns its old {remaining, interval}. */
    public static long[] setItimer(Task t, int which, long value, long interval) {
        long[] old;
        synchronized (t.kernel.signalLock) {
            ProcessSignals ps = t.signals.process;
            IntervalTimer tm = ps.itimers[which];
            if (tm == null) tm = ps.itimers[which] = IntervalTimer.itimer(which, t.tgid);
            old = value(t, tm);
            if (value == 0) {
                tm.armed = false;
                tm.interval = interval;
            } else {
                arm(t, tm, now(t, tm) + value, interval);
            }
        }
        t.kernel.timers().wake();
        return old;
    }

    /** timer_create(2) after its checks: returns the new id, or -1 past {@link #MAX_TIMERS}. */
    public static int createTimer(Task t, int clockId, int clockKind, int notify, int signo, long sigval, int targetTid,
            boolean sigvalIsId) {
        synchronized (t.kernel.signalLock) {
            ProcessSignals ps = t.signals.process;
            if (ps.posixTimers.size() >= MAX_TIMERS) return -1;
            int id = 0;
            while (ps.posixTimers.containsKey(id)) id++;
            IntervalTimer tm = new IntervalTimer(id, clockId, clockKind, t.tgid, targetTid, notify, signo,
                    sigvalIsId ? id : sigval);
            ps.posixTimers.put(id, tm);
            return id;
        }
    }

    /** The timer {@code id} of the caller's process, or null. */
    public static IntervalTimer timer(Task t, int id) {
        synchronized (t.kernel.signalLock) {
            return t.signals.process.posixTimers.get(id);
        }
    }

    /** timer_settime(2): arms ({@code value} relative, or absolute on the timer's clock) or disarms; returns the old setting. */
    public static long[] setTimer(Task t, IntervalTimer tm, boolean absolute, long value, long interval) {
        long[] old;
        synchronized (t.kernel.signalLock) {
            old = value(t, tm);
            if (value == 0) {
                tm.armed = false;
                tm.interval = interval;
            } else {
                // An absolute time already past fires at once, as hrtimers do.
                arm(t, tm, absolute ? Math.max(1, value) : now(t, tm) + value, interval);
            }
        }
        t.kernel.timers().wake();
        return old;
    }

    /** timer_gettime(2). */
    public static long[] getTimer(Task t, IntervalTimer tm) {
        synchronized (t.kernel.signalLock) {
            return value(t, tm);
        }
    }

    /** timer_getoverrun(2). */
    public static int overrun(Task t, IntervalTimer tm) {
        synchronized (t.kernel.signalLock) {
            return tm.overrunLast;
        }
    }

    /** timer_delete(2): the timer goes, and its signal if still queued. */
    public static void deleteTimer(Task t, IntervalTimer tm) {
        synchronized (t.kernel.signalLock) {
            ProcessSignals ps = t.signals.process;
            ps.posixTimers.remove(tm.id);
            tm.armed = false;
            if (tm.queued != null) {
                SigInfo q = tm.queued;
                ps.shared.queue.remove(q);
                for (Task x : t.kernel.tasksUnsafe()) if (x.signals.process == ps) x.signals.pending.queue.remove(q);
                recomputeSet(ps.shared, q.signo());
                for (Task x : t.kernel.tasksUnsafe()) if (x.signals.process == ps) recomputeSet(x.signals.pending, q.signo());
                tm.queued = null;
            }
        }
    }

    private static void recomputeSet(SignalQueue q, int sig) {
        boolean any = false;
        for (SigInfo s : q.queue) if (s.signo() == sig) any = true;
        if (!any) q.set &= ~Signals.bit(sig);
    }
}
