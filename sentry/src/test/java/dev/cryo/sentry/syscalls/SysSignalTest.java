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

    @Test
    void killQueuesForTheProcessAndSigpendingShowsTheBlockedOnes() {
        putLongs(buf, Signals.bit(Signals.SIGUSR1) | Signals.bit(Signals.SIGUSR2));
        assertEquals(0, k.call(Sysno.RT_SIGPROCMASK, Signals.SIG_BLOCK, buf, 0, 8));
        assertEquals(0, k.call(Sysno.KILL, k.task.tgid(), Signals.SIGUSR1));
        assertEquals(0, k.call(Sysno.TKILL, k.task.tid(), Signals.SIGUSR2));
        assertEquals(0, k.call(Sysno.RT_SIGPENDING, buf + 64, 8));
        assertEquals(Signals.bit(Signals.SIGUSR1) | Signals.bit(Signals.SIGUSR2), longAt(buf + 64));
        // rt_sigtimedwait takes one without waiting, with its siginfo: SI_USER from kill, SI_TKILL from tkill.
        putLongs(buf + 128, Signals.bit(Signals.SIGUSR2));
        assertEquals(Signals.SIGUSR2, k.call(Sysno.RT_SIGTIMEDWAIT, buf + 128, buf + 256, 0, 8));
        assertEquals(Signals.SIGUSR2, intAt(buf + 256));
        assertEquals(-6, intAt(buf + 256 + 8));
        assertEquals(k.task.tgid(), intAt(buf + 256 + 16));
        putLongs(buf + 128, Signals.bit(Signals.SIGUSR2));
        putLongs(buf + 160, 0, 0);
        assertEquals(-dev.cryo.sentry.abi.Errno.EAGAIN, k.call(Sysno.RT_SIGTIMEDWAIT, buf + 128, 0, buf + 160, 8));
        assertEquals(Signals.bit(Signals.SIGUSR1), k.task.pendingSignals());
        // Ignoring a pending signal discards it.
        putLongs(buf, Signals.SIG_IGN, Signals.SA_RESTORER, 0, 0);
        assertEquals(0, k.call(Sysno.RT_SIGACTION, Signals.SIGUSR1, buf, 0, 8));
        assertEquals(0, k.task.pendingSignals());
    }

    @Test
    void killErrors() {
        assertEquals(-dev.cryo.sentry.abi.Errno.ESRCH, k.call(Sysno.KILL, 4242, Signals.SIGUSR1));
        assertEquals(-EINVAL, k.call(Sysno.KILL, k.task.tgid(), 65));
        assertEquals(0, k.call(Sysno.KILL, k.task.tgid(), 0));
        assertEquals(-EINVAL, k.call(Sysno.TKILL, 0, Signals.SIGUSR1));
        assertEquals(-dev.cryo.sentry.abi.Errno.ESRCH, k.call(Sysno.TGKILL, 4242, k.task.tid(), 0));
        assertEquals(-EINVAL, k.call(Sysno.TGKILL, k.task.tgid(), -1, 0));
        putLongs(buf, 0, 0, 0, 0); // si_code 0 (SI_USER) to another process: only the kernel may
        assertEquals(-EPERM, k.call(Sysno.RT_SIGQUEUEINFO, 4242, Signals.SIGUSR1, buf));
        assertEquals(-EFAULT, k.call(Sysno.RT_SIGQUEUEINFO, k.task.tgid(), Signals.SIGUSR1, k.unmapped()));
    }

    @Test
    void alarmAndItimers() {
        assertEquals(0, k.call(Sysno.ALARM, 100));
        assertEquals(100, k.call(Sysno.ALARM, 0));
        putLongs(buf, 0, 1_000_000, 5, 0);
        assertEquals(-EINVAL, k.call(Sysno.SETITIMER, 0, buf, 0));
        putLongs(buf, 1, 500_000, 5, 0);
        assertEquals(-EINVAL, k.call(Sysno.SETITIMER, 3, buf, 0));
        assertEquals(0, k.call(Sysno.SETITIMER, 0, buf, 0));
        assertEquals(0, k.call(Sysno.GETITIMER, 0, buf + 64));
        assertEquals(1, longAt(buf + 64));
        assertEquals(500_000, longAt(buf + 72));
        assertEquals(4, longAt(buf + 80), "a little less than 5 s left");
        assertEquals(0, k.call(Sysno.SETITIMER, 0, 0, buf + 64), "NULL disarms");
        assertEquals(0, k.call(Sysno.GETITIMER, 0, buf + 64));
        assertEquals(0, longAt(buf + 80) | longAt(buf + 88));
        assertEquals(-EFAULT, k.call(Sysno.GETITIMER, 0, k.unmapped()));
    }
}
