package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Sysno;
import org.junit.jupiter.api.Test;

class SysTimeTest extends SysTestBase {
    static final long NS = 1_000_000_000L;

    long clock(int id) {
        assertEquals(0, k.call(Sysno.CLOCK_GETTIME, id, buf));
        long sec = longAt(buf), nsec = longAt(buf + 8);
        assertTrue(nsec >= 0 && nsec < NS, "tv_nsec in range");
        return sec * NS + nsec;
    }

    @Test
    void realtimeIsTheWallClock() {
        long wall = System.currentTimeMillis() * 1_000_000L;
        assertTrue(Math.abs(clock(0) - wall) < 5 * NS);
        assertTrue(Math.abs(clock(5) - wall) < 5 * NS);
        assertTrue(Math.abs(clock(11) - wall) < 60 * NS); // TAI: at most the leap seconds ahead
    }

    @Test
    void monotonicClocksCountFromBootAndDoNotGoBack() {
        for (int id : new int[] {1, 4, 6, 7}) {
            long a = clock(id), b = clock(id);
            assertTrue(a >= 0 && b >= a && a < 60 * NS, "clock " + id);
        }
    }

    @Test
    void cpuClocksAreTheTasks() {
        assertEquals(k.cpuNanos, clock(2));
        assertEquals(k.cpuNanos, clock(3));
        assertEquals(k.cpuNanos, clock(-6)); // clock_getcpuclockid(0): ~0 << 3 | CPUCLOCK_SCHED
        assertEquals(-EINVAL, k.call(Sysno.CLOCK_GETTIME, ~42 << 3 | 2, buf)); // someone else's
        assertEquals(-EINVAL, k.call(Sysno.CLOCK_GETTIME, 8, buf));
        assertEquals(-EINVAL, k.call(Sysno.CLOCK_GETTIME, ~5 << 3 | 3, buf)); // FD_TO_CLOCKID(5)
        assertEquals(-EFAULT, k.call(Sysno.CLOCK_GETTIME, 0, k.unmapped()));
    }

    @Test
    void resolution() {
        assertEquals(0, k.call(Sysno.CLOCK_GETRES, 1, buf));
        assertEquals(0, longAt(buf));
        assertEquals(1, longAt(buf + 8));
        assertEquals(0, k.call(Sysno.CLOCK_GETRES, 6, buf));
        assertEquals(SysTime.COARSE_RESOLUTION, longAt(buf + 8));
        assertEquals(0, k.call(Sysno.CLOCK_GETRES, 0, 0));
        assertEquals(-EINVAL, k.call(Sysno.CLOCK_GETRES, 99, 0));
    }

    @Test
    void gettimeofdayAndTime() {
        putLongs(buf + 16, -1);
        assertEquals(0, k.call(Sysno.GETTIMEOFDAY, buf, buf + 16));
        long wallSec = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(longAt(buf) - wallSec) < 5);
        assertTrue(longAt(buf + 8) >= 0 && longAt(buf + 8) < 1_000_000);
        assertEquals(0, longAt(buf + 16), "timezone zeroed");
        assertEquals(0, k.call(Sysno.GETTIMEOFDAY, 0, 0));
        long t = k.call(Sysno.TIME, 0);
        assertTrue(Math.abs(t - wallSec) < 5);
        assertEquals(0, k.call(Sysno.TIME, buf) - longAt(buf));
        assertEquals(-EFAULT, k.call(Sysno.TIME, k.unmapped()));
    }

    @Test
    void nanosleepSleepsAndValidates() {
        putLongs(buf, 0, 20_000_000);
        long start = System.nanoTime();
        assertEquals(0, k.call(Sysno.NANOSLEEP, buf, 0));
        assertTrue(System.nanoTime() - start >= 20_000_000);
        putLongs(buf, 0, NS);
        assertEquals(-EINVAL, k.call(Sysno.NANOSLEEP, buf, 0));
        putLongs(buf, -1, 0);
        assertEquals(-EINVAL, k.call(Sysno.NANOSLEEP, buf, 0));
        putLongs(buf, 0, -1);
        assertEquals(-EINVAL, k.call(Sysno.NANOSLEEP, buf, 0));
        assertEquals(-EFAULT, k.call(Sysno.NANOSLEEP, 0, 0));
    }

    @Test
    void clockNanosleepAbsoluteAndClocks() {
        long now = clock(1);
        putLongs(buf, (now + 10_000_000) / NS, (now + 10_000_000) % NS);
        assertEquals(0, k.call(Sysno.CLOCK_NANOSLEEP, 1, SysTime.TIMER_ABSTIME, buf, 0));
        assertTrue(clock(1) >= now + 10_000_000);
        putLongs(buf, 0, 0);
        assertEquals(0, k.call(Sysno.CLOCK_NANOSLEEP, 0, SysTime.TIMER_ABSTIME, buf, 0)); // long past
        assertEquals(-EOPNOTSUPP, k.call(Sysno.CLOCK_NANOSLEEP, 3, 0, buf, 0)); // as Linux 6.x: no nsleep
        assertEquals(-EOPNOTSUPP, k.call(Sysno.CLOCK_NANOSLEEP, 4, 0, buf, 0));
        assertEquals(-EINVAL, k.call(Sysno.CLOCK_NANOSLEEP, 42, 0, buf, 0));
    }

    @Test
    void timesAndRusage() {
        long ticks = k.call(Sysno.TIMES, buf);
        assertTrue(ticks >= 0);
        assertEquals(k.cpuNanos / 10_000_000, longAt(buf));
        assertEquals(0, longAt(buf + 24));
        assertTrue(k.call(Sysno.TIMES, 0) >= ticks);
        assertEquals(0, k.call(Sysno.GETRUSAGE, 0, buf));
        assertEquals(k.cpuNanos / NS, longAt(buf));
        assertEquals((k.cpuNanos % NS) / 1000, longAt(buf + 8));
        assertTrue(longAt(buf + 32) > 0, "ru_maxrss");
        assertEquals(0, k.call(Sysno.GETRUSAGE, -1, buf));
        assertEquals(0, longAt(buf));
        assertEquals(0, k.call(Sysno.GETRUSAGE, 1, buf));
        assertEquals(-EINVAL, k.call(Sysno.GETRUSAGE, 2, buf));
        assertEquals(-EFAULT, k.call(Sysno.GETRUSAGE, 0, k.unmapped()));
    }
}
