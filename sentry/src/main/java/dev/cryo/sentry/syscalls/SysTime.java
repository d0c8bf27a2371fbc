package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINTR;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static dev.cryo.sentry.syscalls.Arg.CLOCK;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import java.util.concurrent.locks.LockSupport;

/**
 * Clocks, sleeps and CPU-time accounting (kernel/time/posix-timers.c, posix-cpu-timers.c,
 * kernel/sys.c times/getrusage).
 *
 * <p>The wall clock (CLOCK_REALTIME*) is the host's: the sandbox may not set it. The monotonic
 * clocks (MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME) count from the sandbox's boot
 * ({@link dev.cryo.sentry.kernel.Kernel#uptimeNanos}) as they would on a freshly booted machine:
 * they belong to the kernel, not to the host, so a restored sandbox can carry them on from where
 * they were on another host. CPU-time clocks come from the platform ({@link Task#cpuTimeNanos}).
 */
final class SysTime {
    private SysTime() {}

    static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
            CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
            CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_TAI = 11;
    static final int TIMER_ABSTIME = 1;
    static final long NANOS = 1_000_000_000L;
    /** USER_HZ: the unit of clock_t in times(2). */
    static final long USER_HZ = 100;
    static final int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
    /** sizeof(struct rusage) on x86-64: two timevals and fourteen longs. */
    static final int RUSAGE_SIZE = 144;
    /** The resolution Linux reports for the *_COARSE clocks: one jiffy at Debian's HZ=250. */
    static final long COARSE_RESOLUTION = NANOS / 250;

    static void register(SyscallTable t) {
        t.supported(Sysno.CLOCK_GETTIME, SysTime::clockGettime, CLOCK, PTR);
        t.supported(Sysno.CLOCK_GETRES, SysTime::clockGetres, CLOCK, PTR);
        t.supported(Sysno.GETTIMEOFDAY, SysTime::gettimeofday, PTR, PTR);
        t.supported(Sysno.TIME, SysTime::time, PTR);
        t.supported(Sysno.NANOSLEEP, SysTime::nanosleep, PTR, PTR);
        t.supported(Sysno.RESTART_SYSCALL, SysTime::restartSyscall);
        t.partial(Sysno.CLOCK_NANOSLEEP, "CPU-time clocks give EOPNOTSUPP",
                SysTime::clockNanosleep, CLOCK, INT, PTR, PTR);
        t.partial(Sysno.TIMES, "all CPU time counts as user time; children's times are 0 until fork",
                SysTime::times, PTR);
        t.partial(Sysno.GETRUSAGE, "CPU time only, all of it user time; ru_maxrss is the sandbox's memory;"
                + " children's usage is 0 until fork", SysTime::getrusage, INT, PTR);
    }

    // ---- clocks

    /**
     * The value of {@code clock} for task {@code t} in nanoseconds; EINVAL for an unknown clock.
     * Negative ids are CPU clocks named by pid (clock_getcpuclockid(3)); only the caller's own
     * process and thread have one here.
     */
    static long now(Task t, int clock) {
        return switch (clock) {
            case CLOCK_REALTIME -> hostClock(CLOCK_REALTIME);
            case CLOCK_REALTIME_COARSE -> hostClock(CLOCK_REALTIME_COARSE);
            case CLOCK_TAI -> hostClock(CLOCK_TAI); // the wall clock plus the host's TAI offset
            case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME -> t.kernel().uptimeNanos();
            case CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID -> t.cpuTimeNanos();
            default -> {
                if (clock >= 0 || !ownCpuClock(t, clock)) throw SyscallError.of(EINVAL);
                yield t.cpuTimeNanos();
            }
        };
    }

    /**
     * Whether a negative clock id is a CPU clock of the caller, decoding
     * include/linux/posix-timers.h: pid = ~(id >> 3), bit 2 per-thread, low bits the kind
     * (PROF, VIRT, SCHED; 3 is a clock fd, which the sandbox has none of).
     */
    private static boolean ownCpuClock(Task t, int clock) {
        if ((clock & 3) == 3) return false;
        int pid = ~(clock >> 3);
        boolean thread = (clock & 4) != 0;
        return pid == 0 || pid == (thread ? t.tid() : t.tgid());
    }

    private static long hostClock(int clock) {
        long ts = Host.allocate(16);
        try {
            Host.clockGettime(clock, ts);
            return Host.getLong(ts) * NANOS + Host.getLong(ts + 8);
        } finally {
            Host.free(ts);
        }
    }

    /** Implements Linux clock_gettime(2). */
    static long clockGettime(Task t) {
        long ns = now(t, t.intArg(0));
        writeTimespec(t.mm().usermem(), t.arg(1), ns);
        return 0;
    }

    /** Implements Linux clock_getres(2); a NULL res only validates the clock. */
    static long clockGetres(Task t) {
        int clock = t.intArg(0);
        now(t, clock); // validates
        long res = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ? COARSE_RESOLUTION : 1;
        if (t.arg(1) != 0) writeTimespec(t.mm().usermem(), t.arg(1), res);
        return 0;
    }

    /** Implements Linux gettimeofday(2); the timezone, if asked for, is UTC with no DST. */
    static long gettimeofday(Task t) {
        Usermem mem = t.mm().usermem();
        if (t.arg(0) != 0) {
            long ns = hostClock(CLOCK_REALTIME);
            mem.writeLong(t.arg(0), ns / NANOS);
            mem.writeLong(t.arg(0) + 8, (ns % NANOS) / 1000);
        }
        if (t.arg(1) != 0) mem.write(t.arg(1), new byte[8]); // tz_minuteswest, tz_dsttime
        return 0;
    }

    /** Implements Linux time(2). */
    static long time(Task t) {
        long sec = hostClock(CLOCK_REALTIME) / NANOS;
        if (t.arg(0) != 0) t.mm().usermem().writeLong(t.arg(0), sec);
        return sec;
    }

    // ---- sleeping

    /** Implements Linux nanosleep(2) on CLOCK_MONOTONIC. */
    static long nanosleep(Task t) {
        long ns = readTimespec(t.mm().usermem(), t.arg(0));
        sleep(t, CLOCK_MONOTONIC, t.kernel().uptimeNanos() + ns, t.arg(1), false);
        return 0;
    }

    /** Implements Linux clock_nanosleep(2) for the wall and monotonic clocks. */
    static long clockNanosleep(Task t) {
        int clock = t.intArg(0), flags = t.intArg(1);
        switch (clock) {
            case CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI -> { }
            case CLOCK_THREAD_CPUTIME_ID -> throw SyscallError.of(EINVAL);
            case CLOCK_PROCESS_CPUTIME_ID -> throw SyscallError.of(EOPNOTSUPP);
            case CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE -> throw SyscallError.of(EOPNOTSUPP);
            default -> {
                now(t, clock); // EINVAL for unknown clocks
                throw SyscallError.of(EOPNOTSUPP);
            }
        }
        long ns = readTimespec(t.mm().usermem(), t.arg(2));
        boolean abs = (flags & TIMER_ABSTIME) != 0;
        long deadline = abs ? ns : now(t, clock) + ns;
        sleep(t, clock, deadline, abs ? 0 : t.arg(3), abs);
        return 0;
    }

    /**
     * Blocks until {@code clock} reaches {@code deadline}. A signal the task does not block, or a
     * freeze, ends the sleep as do_nanosleep does: the time left goes to {@code rem} (if not
     * NULL) and the call asks to be continued by restart_syscall(2) from the task's restart
     * block (ERESTART_RESTARTBLOCK: EINTR if a handler runs, whatever its SA_RESTART); an
     * absolute sleep simply runs again (ERESTARTNOHAND).
     */
    private static void sleep(Task t, int clock, long deadline, long rem, boolean absolute) {
        while (true) {
            long left = deadline - now(t, clock);
            if (left <= 0) return;
            if (Thread.interrupted() && t.freezePending()) {
                if (absolute) throw SyscallError.of(Errno.ERESTARTNOHAND);
                if (rem != 0) writeTimespec(t.mm().usermem(), rem, Math.max(0, deadline - now(t, clock)));
                t.setRestart(clock, deadline, rem);
                throw SyscallError.of(Errno.ERESTART_RESTARTBLOCK);
            }
            // parkNanos, unlike Thread.sleep on Java 17, keeps sub-millisecond precision. The
            // kernel lock is given up meanwhile: other tasks run on.
            t.kernel().lock().unlocked(() -> {
                LockSupport.parkNanos(left);
                return null;
            });
        }
    }

    /** Implements Linux restart_syscall(2): continues a sleep a signal or a freeze interrupted. */
    static long restartSyscall(Task t) {
        int clock = t.restartClock();
        if (clock < 0) throw SyscallError.of(EINTR); // nothing to restart, as do_no_restart_syscall
        long deadline = t.restartDeadline(), rem = t.restartRem();
        t.setRestart(-1, 0, 0);
        sleep(t, clock, deadline, rem, false);
        return 0;
    }

    // ---- CPU time accounting

    /** Implements Linux times(2): returns clock ticks since boot; buf may be NULL. */
    static long times(Task t) {
        if (t.arg(0) != 0) {
            long[] tms = {t.cpuTimeNanos() / (NANOS / USER_HZ), 0, 0, 0}; // utime, stime, cutime, cstime
            t.mm().usermem().write(t.arg(0), longsToBytes(tms));
        }
        return t.kernel().uptimeNanos() / (NANOS / USER_HZ);
    }

    /** Implements Linux getrusage(2). */
    static long getrusage(Task t) {
        int who = t.intArg(0);
        long cpu;
        long maxRssKiB;
        switch (who) {
            case RUSAGE_SELF, RUSAGE_THREAD -> {
                cpu = t.cpuTimeNanos();
                maxRssKiB = t.kernel().memoryFile().usage() / 1024;
            }
            case RUSAGE_CHILDREN -> {
                cpu = 0;
                maxRssKiB = 0;
            }
            default -> throw SyscallError.of(EINVAL);
        }
        long[] ru = new long[RUSAGE_SIZE / 8];
        ru[0] = cpu / NANOS;               // ru_utime.tv_sec
        ru[1] = (cpu % NANOS) / 1000;      // ru_utime.tv_usec
        ru[4] = maxRssKiB;                 // ru_maxrss, after ru_stime
        t.mm().usermem().write(t.arg(1), longsToBytes(ru));
        return 0;
    }

    // ---- struct timespec

    /** Reads a struct timespec as nanoseconds; EINVAL unless 0 <= tv_nsec < 1e9 and tv_sec >= 0. */
    static long readTimespec(Usermem mem, long addr) {
        if (addr == 0) throw SyscallError.of(EFAULT);
        byte[] b = mem.read(addr, 16);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long sec = bb.getLong(), nsec = bb.getLong();
        if (sec < 0 || nsec < 0 || nsec >= NANOS) throw SyscallError.of(EINVAL);
        // Sleeps of more than ~292 years saturate, as ktime_set does at KTIME_MAX.
        if (sec >= Long.MAX_VALUE / NANOS) return Long.MAX_VALUE / 2;
        return sec * NANOS + nsec;
    }

    static void writeTimespec(Usermem mem, long addr, long ns) {
        mem.write(addr, longsToBytes(new long[] {ns / NANOS, ns % NANOS}));
    }

    static byte[] longsToBytes(long[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }
}
