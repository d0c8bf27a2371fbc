package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.serializer.Savable;
import java.util.ArrayList;

/**
 * A set of pending signals with their siginfo (Linux's struct sigpending): one per task for
 * signals sent to that thread, one per process for signals sent to the thread group. Standard
 * signals coalesce (one pending instance at most); real-time signals queue in order.
 * Guarded by the owning {@link ProcessSignals}' monitor.
 */
@Savable
public final class SignalQueue {
    /** SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS: dequeued first (kernel/signal.c SYNCHRONOUS_MASK). */
    static final long SYNCHRONOUS = Signals.bit(Signals.SIGSEGV) | Signals.bit(Signals.SIGBUS)
            | Signals.bit(Signals.SIGILL) | Signals.bit(Signals.SIGTRAP) | Signals.bit(Signals.SIGFPE)
            | Signals.bit(Signals.SIGSYS);

    /** Bit (sig-1) set while sig is pending. */
    long set;
    /** The queued instances, oldest first. */
    final ArrayList<SigInfo> queue = new ArrayList<>();

    boolean isPending(int sig) {
        return (set & Signals.bit(sig)) != 0;
    }

    /** Queues {@code info}; a standard signal already pending is not queued twice (legacy_queue). */
    void enqueue(SigInfo info) {
        int sig = info.signo();
        if (sig < Signals.SIGRTMIN && isPending(sig)) return;
        queue.add(info);
        set |= Signals.bit(sig);
    }

    int count() {
        return queue.size();
    }

    /** The signal next_signal() would take from {@code allowed}: a synchronous one first, then the lowest. */
    static int next(long pendingAllowed) {
        if (pendingAllowed == 0) return 0;
        long sync = pendingAllowed & SYNCHRONOUS;
        long pick = sync != 0 ? sync : pendingAllowed;
        return Long.numberOfTrailingZeros(pick) + 1;
    }

    /** Removes and returns the oldest instance of {@code sig}, or null if none is pending. */
    SigInfo dequeue(int sig) {
        SigInfo found = null;
        boolean more = false;
        for (int i = 0; i < queue.size(); i++) {
            SigInfo s = queue.get(i);
            if (s.signo() != sig) continue;
            if (found == null) {
                found = s;
                queue.remove(i--);
            } else {
                more = true;
                break;
            }
        }
        if (!more) set &= ~Signals.bit(sig);
        return found;
    }

    /** Drops every pending instance of the signals in {@code mask} (SIGCONT flushing stops, and back). */
    void flush(long mask) {
        queue.removeIf(s -> (mask & Signals.bit(s.signo())) != 0);
        set &= ~mask;
    }
}
