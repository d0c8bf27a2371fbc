package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Sysno;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SysInfoTest extends SysTestBase {
    @Test
    void uname() {
        assertEquals(0, k.call(Sysno.UNAME, buf));
        assertEquals("Linux", cString(buf, 65));
        assertEquals("cryo", cString(buf + 65, 65));
        assertEquals(SysInfo.RELEASE, cString(buf + 130, 65));
        assertEquals("x86_64", cString(buf + 260, 65));
        assertEquals("(none)", cString(buf + 325, 65));
        assertEquals(-EFAULT, k.call(Sysno.UNAME, k.unmapped()));
    }

    @Test
    void sethostname() {
        k.mem().write(buf, "box\0junk".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(0, k.call(Sysno.SETHOSTNAME, buf, 8));
        assertEquals("box", k.kernel.hostname());
        k.mem().write(buf, "sandbox-one".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(0, k.call(Sysno.SETHOSTNAME, buf, 7));
        assertEquals("sandbox", k.kernel.hostname());
        assertEquals(-EINVAL, k.call(Sysno.SETHOSTNAME, buf, 65));
        assertEquals(-EINVAL, k.call(Sysno.SETHOSTNAME, buf, -1));
        assertEquals(-EFAULT, k.call(Sysno.SETHOSTNAME, k.unmapped(), 3));
        k.task.creds().euid = 1000;
        assertEquals(-EPERM, k.call(Sysno.SETHOSTNAME, buf, 3));
        assertEquals("sandbox", k.kernel.hostname());
    }

    @Test
    void schedGetaffinityGivesEveryCpuOfTheSandboxFromAPinnedTracerThread() throws Exception {
        int cpus = dev.cryo.platform.host.Host.processCpuCount();
        long[] got = new long[2];
        // Tracer threads are pinned to one CPU; the sandbox still has all of the process's.
        Thread tracer = new Thread(() -> {
            dev.cryo.platform.host.Host.pinCurrentThread(dev.cryo.platform.host.Host.allowedCpus()[0]);
            got[0] = k.call(Sysno.SCHED_GETAFFINITY, 0, 128, buf);
            got[1] = longAt(buf);
        });
        tracer.start();
        tracer.join();
        assertEquals(8, got[0]);
        assertEquals(Math.min(64, cpus), Long.bitCount(got[1]));
        assertEquals(-EINVAL, k.call(Sysno.SCHED_GETAFFINITY, 0, 4, buf));
    }

    @Test
    void sysinfo() {
        assertEquals(0, k.call(Sysno.SYSINFO, buf));
        ByteBuffer b = bytes(buf, SysInfo.SYSINFO_SIZE);
        assertTrue(b.getLong(0) >= 1 && b.getLong(0) < 600, "uptime rounds up from the sandbox's boot");
        assertTrue(b.getLong(32) > (64L << 20), "totalram from the host");
        assertTrue(b.getLong(40) <= b.getLong(32));
        assertEquals(1, b.getShort(80), "procs");
        assertEquals(1, b.getInt(104), "mem_unit");
    }

    @Test
    void getrandomFillsAndValidates() {
        byte[] zero = new byte[64];
        k.mem().write(buf, zero);
        assertEquals(64, k.call(Sysno.GETRANDOM, buf, 64, 0));
        assertFalse(Arrays.equals(zero, k.mem().read(buf, 64)));
        assertEquals(16, k.call(Sysno.GETRANDOM, buf, 16, SysInfo.GRND_NONBLOCK | SysInfo.GRND_RANDOM));
        assertEquals(16, k.call(Sysno.GETRANDOM, buf, 16, SysInfo.GRND_INSECURE));
        assertEquals(0, k.call(Sysno.GETRANDOM, 0, 0, 0));
        assertEquals(-EINVAL, k.call(Sysno.GETRANDOM, buf, 16, SysInfo.GRND_INSECURE | SysInfo.GRND_RANDOM));
        assertEquals(-EINVAL, k.call(Sysno.GETRANDOM, buf, 16, 8));
        assertEquals(-EFAULT, k.call(Sysno.GETRANDOM, k.unmapped(), 16, 0));
    }

    @Test
    void getrandomStopsShortAtAHole() {
        long two = k.scratch(8192);
        k.task.mm().munmap(two + 4096, 4096);
        assertEquals(100, k.call(Sysno.GETRANDOM, two + 4096 - 100, 500, 0));
    }
}
