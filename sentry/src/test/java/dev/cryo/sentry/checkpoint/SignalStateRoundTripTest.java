package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.kernel.IntervalTimer;
import dev.cryo.sentry.kernel.SigInfo;
import dev.cryo.sentry.kernel.SignalAction;
import dev.cryo.sentry.kernel.SignalOps;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TaskSignals;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.kernel.TimerOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task's signal state saved and loaded in the middle of things: pending signals with their
 * siginfo (standard ones coalesced, real-time ones queued in order), mask, dispositions, alternate stack, armed timers and their remaining time, and the
 * sharing between threads (one process part, one dispositions table).
 */
class SignalStateRoundTripTest {
    Task t;

    @BeforeEach
    void setUp() {
        t = TestTasks.newTask(dev.cryo.sentry.fs.Filesystems.hostRoot("/"));
    }

    @AfterEach
    void tearDown() {
        TestTasks.dispose(t);
    }

    private static byte[] rtInfo(int sig, int value) {
        byte[] b = new byte[SigInfo.SIZE];
        b[8] = (byte) SigInfo.SI_QUEUE; // si_code -1, little-endian
        b[9] = b[10] = b[11] = (byte) 0xff;
        b[24] = (byte) value;
        return b;
    }

    @Test
    void pendingMaskDispositionsAltStackAndTimersSurvive() {
        SignalAction a = new SignalAction();
        a.handler = 0x401000;
        a.flags = Signals.SA_SIGINFO | Signals.SA_RESTORER | Signals.SA_ONSTACK;
        a.restorer = 0x402000;
        a.mask = Signals.bit(Signals.SIGTERM);
        SignalOps.setAction(t, Signals.SIGUSR1, a);
        t.setSignalMask(Signals.bit(Signals.SIGUSR1) | Signals.bit(Signals.SIGRTMIN + 2));
        t.kernel().sendSignal(t, SigInfo.user(Signals.SIGUSR1, SigInfo.SI_USER, 7, 1000));
        t.kernel().sendSignal(t, SigInfo.user(Signals.SIGUSR1, SigInfo.SI_USER, 8, 1000)); // coalesced
        for (int v = 1; v <= 3; v++) {
            t.kernel().sendToThreadGroup(t, SigInfo.fromUser(Signals.SIGRTMIN + 2, rtInfo(Signals.SIGRTMIN + 2, v)));
        }
        assertEquals(0, t.signals().setAltStack(0x7000_0000L, 0, 65536, 0, Signals.MINSIGSTKSZ));
        TimerOps.setItimer(t, 0, 60_000_000_000L, 1_000_000_000L);
        int id = TimerOps.createTimer(t, 1, IntervalTimer.MONOTONIC, IntervalTimer.SIGEV_SIGNAL, Signals.SIGRTMIN, 99, 0, false);
        TimerOps.setTimer(t, TimerOps.timer(t, id), false, 30_000_000_000L, 0);
        TaskSignals thread = t.signals().forClone(true, true, false);

        java.util.ArrayList<TaskSignals> both = RoundTrip.of(new java.util.ArrayList<>(java.util.List.of(t.signals(), thread)));
        TaskSignals r = both.get(0);
        assertSame(r.process(), both.get(1).process(), "threads still share their process's signal state");
        assertSame(r.handlers(), both.get(1).handlers(), "and their dispositions");
        assertNotSame(t.signals(), r);
        t.setSignals(r);

        assertEquals(Signals.bit(Signals.SIGUSR1) | Signals.bit(Signals.SIGRTMIN + 2), t.pendingSignals());
        assertEquals(Signals.bit(Signals.SIGUSR1) | Signals.bit(Signals.SIGRTMIN + 2), t.signalMask());
        SignalAction ra = t.action(Signals.SIGUSR1);
        assertEquals(0x401000, ra.handler);
        assertEquals(a.flags, ra.flags);
        assertEquals(0x402000, ra.restorer);
        assertEquals(a.mask, ra.mask);
        assertEquals(0x7000_0000L, r.altSp());
        assertEquals(65536, r.altSize());

        SigInfo usr1 = t.takeSignal(Signals.bit(Signals.SIGUSR1));
        assertEquals(Signals.SIGUSR1, usr1.signo());
        assertEquals(7, usr1.bytes()[16], "the first instance's sender");
        assertNull(t.takeSignal(Signals.bit(Signals.SIGUSR1)), "a standard signal is pending once");
        for (int v = 1; v <= 3; v++) {
            SigInfo rt = t.takeSignal(Signals.bit(Signals.SIGRTMIN + 2));
            assertEquals(SigInfo.SI_QUEUE, rt.code());
            assertEquals(v, rt.bytes()[24], "real-time signals come out in the order they were queued");
        }
        assertEquals(0, t.pendingSignals());

        long[] itimer = TimerOps.getItimer(t, 0);
        assertTrue(itimer[0] > 50_000_000_000L && itimer[0] <= 60_000_000_000L, "remaining " + itimer[0]);
        assertEquals(1_000_000_000L, itimer[1]);
        IntervalTimer tm = TimerOps.timer(t, id);
        assertTrue(tm.armed());
        long left = TimerOps.getTimer(t, tm)[0];
        assertTrue(left > 20_000_000_000L && left <= 30_000_000_000L, "remaining " + left);
    }
}
