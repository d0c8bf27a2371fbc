package dev.cryo.sentry.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.Sysno;
import org.junit.jupiter.api.Test;

/** The restart rules of arch/x86/kernel/signal.c, for each ERESTART* code, with and without a handler. */
class SignalDeliveryTest {
    private static final long RIP = 0x401002, NR = Sysno.READ;

    private static long[] afterSyscall(int errno) {
        long[] r = Regs.initial(RIP, 0x7000_0000L);
        r[Regs.ORIG_RAX] = NR;
        r[Regs.RAX] = -errno;
        return r;
    }

    private static SignalAction handler(boolean saRestart) {
        SignalAction a = new SignalAction();
        a.handler = 0x402000;
        a.flags = Signals.SA_RESTORER | (saRestart ? Signals.SA_RESTART : 0);
        return a;
    }

    private static void assertEintr(long[] r) {
        assertEquals(-Errno.EINTR, r[Regs.RAX]);
        assertEquals(RIP, r[Regs.RIP]);
    }

    private static void assertRunsAgain(long[] r, long nr) {
        assertEquals(nr, r[Regs.RAX]);
        assertEquals(RIP - 2, r[Regs.RIP], "back over the two-byte syscall");
    }

    @Test
    void withAHandler() {
        for (boolean saRestart : new boolean[] {false, true}) {
            long[] r = afterSyscall(Errno.ERESTARTSYS);
            SignalDelivery.restartWithHandler(r, handler(saRestart));
            if (saRestart) assertRunsAgain(r, NR); else assertEintr(r);

            r = afterSyscall(Errno.ERESTARTNOINTR);
            SignalDelivery.restartWithHandler(r, handler(saRestart));
            assertRunsAgain(r, NR);

            r = afterSyscall(Errno.ERESTARTNOHAND);
            SignalDelivery.restartWithHandler(r, handler(saRestart));
            assertEintr(r);

            r = afterSyscall(Errno.ERESTART_RESTARTBLOCK);
            SignalDelivery.restartWithHandler(r, handler(saRestart));
            assertEintr(r);
        }
    }

    @Test
    void withoutAHandlerEveryCodeRunsAgain() {
        for (int code : new int[] {Errno.ERESTARTSYS, Errno.ERESTARTNOINTR, Errno.ERESTARTNOHAND}) {
            long[] r = afterSyscall(code);
            SignalDelivery.restartWithoutHandler(r);
            assertRunsAgain(r, NR);
        }
        long[] r = afterSyscall(Errno.ERESTART_RESTARTBLOCK);
        SignalDelivery.restartWithoutHandler(r);
        assertRunsAgain(r, Sysno.RESTART_SYSCALL);
    }

    @Test
    void aRestartSetUpBeforeAWaitCanBeDecidedAgain() {
        long[] r = afterSyscall(Errno.ERESTART_RESTARTBLOCK);
        SignalDelivery.restartWithoutHandler(r);
        SignalDelivery.undoRestart(r, -Errno.ERESTART_RESTARTBLOCK);
        assertEquals(-Errno.ERESTART_RESTARTBLOCK, r[Regs.RAX]);
        assertEquals(RIP, r[Regs.RIP]);
        SignalDelivery.restartWithHandler(r, handler(true));
        assertEintr(r);
    }

    @Test
    void onlyTheKernelsRestartCodesCount() {
        assertEquals(false, SignalDelivery.isRestart(-Errno.EINTR));
        assertEquals(false, SignalDelivery.isRestart(-515)); // ENOIOCTLCMD: never returned to users
        assertEquals(true, SignalDelivery.isRestart(-Errno.ERESTARTSYS));
    }
}
