package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Limits;
import org.junit.jupiter.api.Test;

class SysLimitsTest extends SysTestBase {
    @Test
    void getrlimitReportsDefaults() {
        assertEquals(0, k.call(Sysno.GETRLIMIT, Limits.NOFILE, buf));
        assertEquals(1024, longAt(buf));
        assertEquals(524288, longAt(buf + 8));
        assertEquals(0, k.call(Sysno.GETRLIMIT, Limits.CPU, buf));
        assertEquals(-1, longAt(buf));
        assertEquals(-EINVAL, k.call(Sysno.GETRLIMIT, 16, buf));
        assertEquals(-EFAULT, k.call(Sysno.GETRLIMIT, 0, k.unmapped()));
    }

    @Test
    void nofileChangesTheDescriptorTable() {
        putLongs(buf, 64, 4096);
        assertEquals(0, k.call(Sysno.PRLIMIT64, 0, Limits.NOFILE, buf, buf + 16));
        assertEquals(1024, longAt(buf + 16));
        assertEquals(524288, longAt(buf + 24));
        assertEquals(64, k.task.fds().limit());
        putLongs(buf, 10, 1L << 21);
        assertEquals(-EPERM, k.call(Sysno.SETRLIMIT, Limits.NOFILE, buf)); // above nr_open
    }

    @Test
    void checks() {
        putLongs(buf, 20, 10);
        assertEquals(-EINVAL, k.call(Sysno.SETRLIMIT, Limits.STACK, buf));
        putLongs(buf, 10, -1);
        assertEquals(0, k.call(Sysno.SETRLIMIT, Limits.STACK, buf)); // root may raise the hard limit
        assertEquals(-ESRCH, k.call(Sysno.PRLIMIT64, 77, Limits.STACK, 0, buf));
        assertEquals(0, k.call(Sysno.PRLIMIT64, 1, Limits.STACK, 0, buf));
        assertEquals(10, longAt(buf));
        assertEquals(-EINVAL, k.call(Sysno.PRLIMIT64, 0, 16, 0, buf));
        assertEquals(-EFAULT, k.call(Sysno.SETRLIMIT, 16, k.unmapped())); // copy-in comes first
    }

    @Test
    void unprivilegedMayLowerButNotRaiseHard() {
        k.task.creds().euid = 1000;
        putLongs(buf, 100, 200);
        assertEquals(0, k.call(Sysno.SETRLIMIT, Limits.NOFILE, buf));
        putLongs(buf, 100, 300);
        assertEquals(-EPERM, k.call(Sysno.SETRLIMIT, Limits.NOFILE, buf));
        putLongs(buf, 200, 200);
        assertEquals(0, k.call(Sysno.SETRLIMIT, Limits.NOFILE, buf));
    }
}
