package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SysIdentityTest {
    SysTestTask k;
    long buf;

    @BeforeEach
    void setUp() {
        assumeTrue(SysTestTask.available(), "needs " + SysTestTask.PROGRAM);
        k = new SysTestTask();
        buf = k.scratch(4096);
    }

    @AfterEach
    void tearDown() {
        if (k != null) k.close();
    }

    private int[] ids(int nr) {
        assertEquals(0, k.call(nr, buf, buf + 4, buf + 8));
        return new int[] {k.mem().readInt(buf), k.mem().readInt(buf + 4), k.mem().readInt(buf + 8)};
    }

    @Test
    void processIds() {
        assertEquals(1, k.call(Sysno.GETPID));
        assertEquals(1, k.call(Sysno.GETTID));
        assertEquals(0, k.call(Sysno.GETPPID));
        assertEquals(1, k.call(Sysno.GETPGRP));
        assertEquals(1, k.call(Sysno.GETPGID, 0));
        assertEquals(1, k.call(Sysno.GETSID, 1));
        assertEquals(-ESRCH, k.call(Sysno.GETPGID, 42));
        assertEquals(-ESRCH, k.call(Sysno.GETSID, 42));
    }

    @Test
    void rootStartsAsZeroEverywhere() {
        assertEquals(0, k.call(Sysno.GETUID));
        assertEquals(0, k.call(Sysno.GETEGID));
        assertArrayEquals(new int[] {0, 0, 0}, ids(Sysno.GETRESUID));
        assertEquals(-EFAULT, k.call(Sysno.GETRESGID, buf, k.unmapped(), buf + 8));
    }

    @Test
    void rootSetuidDropsEverythingForGood() {
        assertEquals(0, k.call(Sysno.SETUID, 1000));
        assertArrayEquals(new int[] {1000, 1000, 1000}, ids(Sysno.GETRESUID));
        assertEquals(1000, k.task.creds().fsuid);
        assertEquals(-EPERM, k.call(Sysno.SETUID, 0));
        assertEquals(-EPERM, k.call(Sysno.SETRESUID, -1, 0, -1));
        assertEquals(-EPERM, k.call(Sysno.SETGROUPS, 0, 0));
        assertEquals(-EINVAL, k.call(Sysno.SETUID, -1));
    }

    @Test
    void savedRootAllowsGettingRootBack() {
        assertEquals(0, k.call(Sysno.SETRESUID, 1000, 1000, -1));
        assertArrayEquals(new int[] {1000, 1000, 0}, ids(Sysno.GETRESUID));
        assertEquals(-EPERM, k.call(Sysno.SETUID, 2000));
        assertEquals(0, k.call(Sysno.SETUID, 0)); // 0 is the saved uid: only euid changes
        assertArrayEquals(new int[] {1000, 0, 0}, ids(Sysno.GETRESUID));
    }

    @Test
    void setreuidMovesSavedId() {
        assertEquals(0, k.call(Sysno.SETREUID, -1, 1000));
        // euid moved away from the real uid: saved follows it.
        assertArrayEquals(new int[] {0, 1000, 1000}, ids(Sysno.GETRESUID));
        assertEquals(0, k.call(Sysno.SETREUID, 1000, 0)); // unprivileged: 0 is the real uid
        assertArrayEquals(new int[] {1000, 0, 0}, ids(Sysno.GETRESUID));
    }

    @Test
    void unprivilegedSetgidRules() {
        Credentials c = k.task.creds();
        c.euid = 1000;
        c.rgid = 5; c.egid = 6; c.sgid = 7; c.fsgid = 6;
        assertEquals(-EPERM, k.call(Sysno.SETGID, 6)); // effective alone is not enough
        assertEquals(0, k.call(Sysno.SETGID, 7));
        assertArrayEquals(new int[] {5, 7, 7}, ids(Sysno.GETRESGID));
        assertEquals(-EPERM, k.call(Sysno.SETREGID, 9, -1));
        assertEquals(0, k.call(Sysno.SETRESGID, 7, 5, -1));
        assertArrayEquals(new int[] {7, 5, 7}, ids(Sysno.GETRESGID));
    }

    @Test
    void setfsuidReturnsOldAndChecks() {
        assertEquals(0, k.call(Sysno.SETFSUID, 1000));
        assertEquals(1000, k.call(Sysno.SETFSUID, -1));
        k.task.creds().euid = 1000;
        assertEquals(1000, k.call(Sysno.SETFSUID, 4242)); // not one of ours: unchanged
        assertEquals(1000, k.task.creds().fsuid);
        assertEquals(0, k.call(Sysno.SETFSGID, 0));
    }

    @Test
    void groups() {
        k.mem().write(buf, SysIdentity.intsToBytes(new int[] {30, 10, 20}));
        assertEquals(0, k.call(Sysno.SETGROUPS, 3, buf));
        assertEquals(3, k.call(Sysno.GETGROUPS, 0, 0));
        assertEquals(-EINVAL, k.call(Sysno.GETGROUPS, 2, buf + 100));
        assertEquals(3, k.call(Sysno.GETGROUPS, 8, buf + 100));
        assertArrayEquals(new int[] {10, 20, 30}, SysIdentity.bytesToInts(k.mem().read(buf + 100, 12)));
        assertEquals(-EFAULT, k.call(Sysno.GETGROUPS, 3, k.unmapped()));
        assertEquals(-EINVAL, k.call(Sysno.SETGROUPS, SysIdentity.NGROUPS_MAX + 1, buf));
        assertEquals(-EINVAL, k.call(Sysno.GETGROUPS, -1, buf));
    }

    @Test
    void umask() {
        assertEquals(022, k.call(Sysno.UMASK, 0777077));
        assertEquals(077, k.call(Sysno.UMASK, 022));
    }
}
