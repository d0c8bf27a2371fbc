package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOMEM;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.Sysno;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SysSignalTest extends SysTestBase {
    static final long ALL = -1L;

    @Test
    void sigactionRecordsAndReturnsOld() {
        putLongs(buf, 0x401000, Signals.SA_RESTORER | Signals.SA_SIGINFO | 0x400, 0x402000, ALL);
        assertEquals(0, k.call(Sysno.RT_SIGACTION, Signals.SIGUSR1, buf, buf + 64, 8));
        assertEquals(0, longAt(buf + 64)); // SIG_DFL before
        assertEquals(0, k.call(Sysno.RT_SIGACTION, Signals.SIGUSR1, 0, buf + 64, 8));
        assertEquals(0x401000, longAt(buf + 64));
        assertEquals(Signals.SA_RESTORER | Signals.SA_SIGINFO, longAt(buf + 72), "SA_UNSUPPORTED cleared");
        assertEquals(0x402000, longAt(buf + 80));
        assertEquals(ALL & ~(Signals.bit(9) | Signals.bit(19)), longAt(buf + 88));
    }

    @Test
    void sigactionChecks() {
        putLongs(buf, 1, 0, 0, 0);
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGACTION, Signals.SIGKILL, buf, 0, 8));
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGACTION, Signals.SIGSTOP, buf, 0, 8));
        assertEquals(0, k.call(Sysno.RT_SIGACTION, Signals.SIGKILL, 0, buf + 64, 8)); // reading is fine
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGACTION, 0, buf, 0, 8));
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGACTION, 65, 0, 0, 8));
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGACTION, Signals.SIGINT, buf, 0, 16));
        assertEquals(-EFAULT, k.call(Sysno.RT_SIGACTION, Signals.SIGINT, k.unmapped(), 0, 8));
        assertEquals(-EFAULT, k.call(Sysno.RT_SIGACTION, Signals.SIGINT, 0, k.unmapped(), 8));
    }

    @Test
    void sigprocmask() {
        putLongs(buf, Signals.bit(Signals.SIGINT) | Signals.bit(Signals.SIGKILL));
        assertEquals(0, k.call(Sysno.RT_SIGPROCMASK, Signals.SIG_BLOCK, buf, buf + 8, 8));
        assertEquals(0, longAt(buf + 8));
        assertEquals(Signals.bit(Signals.SIGINT), k.task.signalMask());
        putLongs(buf, ALL);
        assertEquals(0, k.call(Sysno.RT_SIGPROCMASK, Signals.SIG_SETMASK, buf, 0, 8));
        assertEquals(ALL & ~(Signals.bit(9) | Signals.bit(19)), k.task.signalMask());
        putLongs(buf, Signals.bit(Signals.SIGINT));
        assertEquals(0, k.call(Sysno.RT_SIGPROCMASK, Signals.SIG_UNBLOCK, buf, buf + 8, 8));
        assertEquals(0, k.task.signalMask() & Signals.bit(Signals.SIGINT));
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGPROCMASK, 3, buf, 0, 8));
        assertEquals(0, k.call(Sysno.RT_SIGPROCMASK, 3, 0, buf + 8, 8)); // how unchecked without a set
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGPROCMASK, 0, buf, 0, 4));
        assertEquals(-EFAULT, k.call(Sysno.RT_SIGPROCMASK, 0, k.unmapped(), 0, 8));
    }

    @Test
    void sigpending() {
        putLongs(buf, ALL);
        assertEquals(0, k.call(Sysno.RT_SIGPENDING, buf, 4));
        assertEquals(0xffffffff00000000L, longAt(buf), "only sigsetsize bytes written");
        assertEquals(0, k.call(Sysno.RT_SIGPENDING, buf, 8));
        assertEquals(0, longAt(buf));
        assertEquals(-EINVAL, k.call(Sysno.RT_SIGPENDING, buf, 9));
    }

    @Test
    void sigaltstack() {
        long stack = k.scratch(65536);
        assertEquals(0, k.call(Sysno.SIGALTSTACK, 0, buf + 64));
        assertEquals(Signals.SS_DISABLE, intAt(buf + 72));
        putLongs(buf, stack, 0, 65536);
        assertEquals(0, k.call(Sysno.SIGALTSTACK, buf, buf + 64));
        assertEquals(0, k.call(Sysno.SIGALTSTACK, 0, buf + 64));
        ByteBuffer old = bytes(buf + 64, 24);
        assertEquals(stack, old.getLong(0));
        assertEquals(0, old.getInt(8));
        assertEquals(65536, old.getLong(16));
        // Running on it: reported as SS_ONSTACK, and it cannot be changed.
        k.task.regs()[Regs.RSP] = stack + 1000;
        assertEquals(0, k.call(Sysno.SIGALTSTACK, 0, buf + 64));
        assertEquals(Signals.SS_ONSTACK, intAt(buf + 72));
        assertEquals(-EPERM, k.call(Sysno.SIGALTSTACK, buf, 0));
        k.task.regs()[Regs.RSP] = 0;
        putLongs(buf, stack, 0, 1024);
        assertEquals(-ENOMEM, k.call(Sysno.SIGALTSTACK, buf, 0));
        putLongs(buf, stack, 42, 65536);
        assertEquals(-EINVAL, k.call(Sysno.SIGALTSTACK, buf, 0));
        putLongs(buf, stack, Signals.SS_DISABLE, 0);
        assertEquals(0, k.call(Sysno.SIGALTSTACK, buf, 0));
        assertEquals(0, k.task.signals().altSize());
        assertEquals(-EFAULT, k.call(Sysno.SIGALTSTACK, k.unmapped(), 0));
    }
}
