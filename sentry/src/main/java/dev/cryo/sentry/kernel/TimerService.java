package dev.cryo.sentry.kernel;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The thread that makes timers expire (Linux's hrtimer interrupt): it sleeps until the nearest
 * deadline of any armed wall or monotonic timer of any process, then queues the timers' signals,
 * which wakes the tasks they are for. Holds no state of its own (DESIGN.md rule 1): the timers
 * are in the processes' {@link ProcessSignals}, and each pass looks at them again, so a restored
 * kernel needs only a new service. CPU-time timers are checked by their task's own thread (only
 * it may read its CPU clock); this thread nudges such a task out of the application every
 * {@link #CPU_TICK_NANOS} so that it looks.
 *
 * <p>Timers do not expire while the kernel is frozen: a checkpoint sees them as they were.
 */
final class TimerService {
    /** How often a task with an armed CPU-time timer is made to check it: the resolution of ITIMER_VIRTUAL/PROF. */
    static final long CPU_TICK_NANOS = 10_000_000L;
    private static final long IDLE_NANOS = 1_000_000_000L;

    private final Kernel kernel;
    // guarded by this
    private Thread thread;
    private boolean woken;
    private boolean shutdown;

    TimerService(Kernel kernel) {
        this.kernel = kernel;
    }

    /** A timer was armed or changed: look again (starting the thread the first time). */
    synchronized void wake() {
        if (shutdown) return;
        woken = true;
        if (thread == null) {
            thread = new Thread(this::loop, "cryo-timers");
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll();
    }

    /** The sandbox is over. */
    synchronized void shutdown() {
        shutdown = true;
        notifyAll();
    }

    private void loop() {
        while (true) {
            long sleep = pass();
            synchronized (this) {
                if (shutdown) return;
                if (!woken) {
                    try {
                        wait(Math.max(1, sleep / 1_000_000L), (int) (sleep % 1_000_000L));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
                if (shutdown) return;
            }
        }
    }

    /** Fires what is due; returns how long to sleep before the next pass, ns. */
    private long pass() {
        long sleep = IDLE_NANOS;
        synchronized (kernel) {
            if (kernel.freezeRequested()) return CPU_TICK_NANOS; // look again after the thaw
            Map<ProcessSignals, Task> processes = new IdentityHashMap<>();
            for (Task t : kernel.tasks().values()) processes.putIfAbsent(t.signals.process, t);
            for (Map.Entry<ProcessSignals, Task> e : processes.entrySet()) {
                sleep = Math.min(sleep, passProcess(e.getKey(), e.getValue()));
            }
        }
        return sleep;
    }

    private long passProcess(ProcessSignals ps, Task any) {
        long sleep = IDLE_NANOS;
        boolean cpu = false;
        java.util.List<IntervalTimer> due = new java.util.ArrayList<>();
        synchronized (kernel.signalLock) {
            for (IntervalTimer tm : timersOf(ps)) {
                if (!tm.armed) continue;
                if (tm.clockKind == IntervalTimer.CPU) {
                    cpu = true;
                    continue;
                }
                long left = tm.deadline - Signalling.clockNow(kernel, tm.clockKind);
                if (left <= 0) due.add(tm);
                else sleep = Math.min(sleep, left);
            }
        }
        for (IntervalTimer tm : due) {
            // expire() takes the signal lock itself and looks up the target in the task table.
            Signalling.expire(kernel, tm, Signalling.clockNow(kernel, tm.clockKind));
            synchronized (kernel.signalLock) {
                if (tm.armed) sleep = Math.min(sleep, Math.max(1, tm.deadline - Signalling.clockNow(kernel, tm.clockKind)));
            }
        }
        if (cpu) {
            any.kick();
            sleep = Math.min(sleep, CPU_TICK_NANOS);
        }
        return sleep;
    }

    static Iterable<IntervalTimer> timersOf(ProcessSignals ps) {
        java.util.ArrayList<IntervalTimer> all = new java.util.ArrayList<>(ps.posixTimers.values());
        for (IntervalTimer it : ps.itimers) if (it != null) all.add(it);
        return all;
    }
}
