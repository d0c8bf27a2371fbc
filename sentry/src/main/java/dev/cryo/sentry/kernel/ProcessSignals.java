package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;
import java.util.TreeMap;

/**
 * Signal state shared by the threads of one process (the signal half of Linux's signal_struct):
 * signals sent to the process, the group stop, interval timers and POSIX timers. Tasks cloned
 * with CLONE_THREAD share it; fork makes a new one. Guarded by the kernel's {@link SignalLock}.
 */
@Savable
public final class ProcessSignals {
    /** Signals sent to the process as a whole (kill, not tkill). */
    final SignalQueue shared = new SignalQueue();
    /** Set by a stop signal's default action, cleared by SIGCONT or SIGKILL. */
    volatile boolean stopped; // read without the lock by the task loop's quick check
    /** The signal that stopped the group (for wait(2)'s WSTOPSIG), 0 if none. */
    int stopSignal;
    /** Set when SIGCONT resumed a stopped group; for wait(2)'s WCONTINUED, cleared by whoever reports it. */
    boolean continued;
    /** A stop not yet reported to a WUNTRACED wait (Linux's group_exit_code): its signal, or 0. */
    int stopToReport;
    /** The parent is still to get its SIGCHLD (CLD_CONTINUED) for a continue; any thread of the process sends it. */
    volatile boolean continueToNotify;

    /** setitimer(2)'s three timers: ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF; null until first set. */
    final IntervalTimer[] itimers = new IntervalTimer[3];
    /** timer_create(2)'s timers by id. */
    final TreeMap<Integer, IntervalTimer> posixTimers = new TreeMap<>();

    public boolean stopped() {
        return stopped;
    }

    public int stopSignal() {
        return stopSignal;
    }

    public boolean continued() {
        return continued;
    }

    /** For wait(2): reports a continue once. */
    public void clearContinued() {
        continued = false;
    }
}
