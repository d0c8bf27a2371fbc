package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.serializer.Savable;

/**
 * One timer of a process: an ITIMER_* of setitimer(2)/alarm(2) or a timer_create(2) timer
 * (Linux's k_itimer and the itimers of signal_struct). Its deadline is an absolute value of its
 * own clock: the sandbox's monotonic clock (which goes on from its saved value after a restore,
 * so an armed timer keeps its remaining time), the host's wall clock, or the process's CPU time.
 * Guarded by the kernel's {@link SignalLock}.
 */
@Savable
public final class IntervalTimer {
    /** Which clock the deadline is on. */
    public static final int WALL = 0, MONOTONIC = 1, CPU = 2;
    /** sigev_notify (include/uapi/asm-generic/siginfo.h). */
    public static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;

    /** The timer id (timer_create), or -1 for an itimer. */
    final int id;
    /** The clock id the program named (for timer_gettime and CPU clocks); the kind is {@link #clockKind}. */
    final int clockId;
    final int clockKind;
    /** The process the timer belongs to, and the thread it signals with SIGEV_THREAD_ID (else 0). */
    final int tgid;
    final int targetTid;
    final int notify;
    final int signo;
    final long sigval;

    boolean armed;
    /** When it next expires, on its clock, ns. */
    long deadline;
    /** Period, ns; 0 for a one-shot timer. */
    long interval;
    /** Expiries while its signal was still pending, since the last one was queued. */
    int overrun;
    /** What timer_getoverrun(2) reports: the overrun of the last delivered expiry. */
    int overrunLast;
    /** Its queued siginfo while pending (identity: a user-queued SI_TIMER is not this timer's). */
    SigInfo queued;

    IntervalTimer(int id, int clockId, int clockKind, int tgid, int targetTid, int notify, int signo, long sigval) {
        this.id = id;
        this.clockId = clockId;
        this.clockKind = clockKind;
        this.tgid = tgid;
        this.targetTid = targetTid;
        this.notify = notify;
        this.signo = signo;
        this.sigval = sigval;
    }

    /** An itimer: signals the process with SI_KERNEL, as it_real_fn and the CPU itimers do. */
    static IntervalTimer itimer(int which, int tgid) {
        int sig = which == 0 ? Signals.SIGALRM : which == 1 ? Signals.SIGVTALRM : Signals.SIGPROF;
        return new IntervalTimer(-1, -1, which == 0 ? MONOTONIC : CPU, tgid, 0, SIGEV_SIGNAL, sig, 0);
    }

    public int id() {
        return id;
    }

    public int clockId() {
        return clockId;
    }

    public int clockKind() {
        return clockKind;
    }

    public int notifyKind() {
        return notify;
    }

    public boolean armed() {
        return armed;
    }

    public long deadline() {
        return deadline;
    }

    public long interval() {
        return interval;
    }

    public int overrunLast() {
        return overrunLast;
    }

    /** The siginfo of one expiry: SI_TIMER for POSIX timers, SI_KERNEL for itimers. */
    SigInfo newInfo() {
        return id < 0 ? SigInfo.kernel(signo) : SigInfo.timer(signo, id, 0, sigval);
    }

    /**
     * Accounts the expiries up to {@code now}: re-arms a periodic timer past {@code now} and
     * returns how many periods were missed besides the one that fires (they count as overruns).
     */
    long advance(long now) {
        if (interval <= 0) {
            armed = false;
            return 0;
        }
        long missed = (now - deadline) / interval;
        deadline += (missed + 1) * interval;
        return missed;
    }
}
