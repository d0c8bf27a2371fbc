package dev.cryo.sentry.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Signals;
import org.junit.jupiter.api.Test;

class SignalQueueTest {
    private static SigInfo user(int sig, int pid) {
        return SigInfo.user(sig, SigInfo.SI_USER, pid, 0);
    }

    @Test
    void standardSignalsCoalesceRealTimeOnesQueueInOrder() {
        SignalQueue q = new SignalQueue();
        SigInfo first = user(Signals.SIGUSR1, 1);
        q.enqueue(first);
        q.enqueue(user(Signals.SIGUSR1, 2));
        SigInfo rt1 = user(Signals.SIGRTMIN, 3), rt2 = user(Signals.SIGRTMIN, 4);
        q.enqueue(rt1);
        q.enqueue(rt2);
        assertEquals(3, q.count());
        assertSame(first, q.dequeue(Signals.SIGUSR1));
        assertFalse(q.isPending(Signals.SIGUSR1));
        assertNull(q.dequeue(Signals.SIGUSR1));
        assertSame(rt1, q.dequeue(Signals.SIGRTMIN));
        assertTrue(q.isPending(Signals.SIGRTMIN), "one more instance is queued");
        assertSame(rt2, q.dequeue(Signals.SIGRTMIN));
        assertFalse(q.isPending(Signals.SIGRTMIN));
    }

    @Test
    void faultsAreTakenBeforeLowerNumberedSignals() {
        long pending = Signals.bit(Signals.SIGHUP) | Signals.bit(Signals.SIGSEGV) | Signals.bit(Signals.SIGTRAP);
        assertEquals(Signals.SIGTRAP, SignalQueue.next(pending), "the lowest synchronous one first");
        assertEquals(Signals.SIGHUP, SignalQueue.next(Signals.bit(Signals.SIGHUP) | Signals.bit(Signals.SIGUSR1)));
        assertEquals(0, SignalQueue.next(0));
    }

    @Test
    void flushDropsEveryInstance() {
        SignalQueue q = new SignalQueue();
        q.enqueue(user(Signals.SIGCONT, 1));
        q.enqueue(user(Signals.SIGRTMIN + 1, 1));
        q.enqueue(user(Signals.SIGRTMIN + 1, 2));
        q.flush(Signals.bit(Signals.SIGCONT) | Signals.bit(Signals.SIGRTMIN + 1));
        assertEquals(0, q.count());
        assertEquals(0, q.set);
    }
}
