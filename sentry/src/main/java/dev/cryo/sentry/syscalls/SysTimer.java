package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static dev.cryo.sentry.syscalls.Arg.CLOCK;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.IntervalTimer;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TimerOps;
import dev.cryo.sentry.mm.Usermem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Timers that signal: alarm, setitimer/getitimer, and the POSIX timers of timer_create
 * (kernel/time/itimer.c, posix-timers.c). The expiry itself is the kernel's TimerService.
 */
final class SysTimer {
    private SysTimer() {}

    static final int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
    static final long NANOS = 1_000_000_000L, USEC = 1000;
    /** sizeof(struct sigevent). */
    static final int SIGEVENT_SIZE = 64;

    static void register(SyscallTable t) {
        t.supported(Sysno.ALARM, SysTimer::alarm, INT);
        String cpu = "ITIMER_VIRTUAL and ITIMER_PROF count all the process's CPU time and fire with 10 ms resolution";
        t.partial(Sysno.SETITIMER, cpu, SysTimer::setitimer, INT, PTR, PTR);
        t.partial(Sysno.GETITIMER, cpu, SysTimer::getitimer, INT, PTR);
        String cpuClocks = "CPU-time clocks fire with 10 ms resolution; CLOCK_REALTIME timers do not follow changes of the host's clock";
        t.partial(Sysno.TIMER_CREATE, cpuClocks, SysTimer::timerCreate, CLOCK, PTR, PTR);
        t.supported(Sysno.TIMER_SETTIME, SysTimer::timerSettime, INT, INT, PTR, PTR);
        t.supported(Sysno.TIMER_GETTIME, SysTimer::timerGettime, INT, PTR);
        t.supported(Sysno.TIMER_GETOVERRUN, SysTimer::timerGetoverrun, INT);
        t.supported(Sysno.TIMER_DELETE, SysTimer::timerDelete, INT);
    }

    /** Implements Linux alarm(2): the old alarm's seconds, rounded as alarm_setitimer does. */
    static long alarm(Task t) {
        long secs = t.arg(0) & 0xffff_ffffL;
        long[] old = TimerOps.setItimer(t, ITIMER_REAL, secs * NANOS, 0);
        long s = old[0] / NANOS, ns = old[0] % NANOS;
        if ((s == 0 && ns != 0) || ns >= 500_000_000L) s++;
        return s;
    }

    /** Implements Linux setitimer(2); a NULL new value disarms, as Linux allows. */
    static long setitimer(Task t) {
        int which = t.intArg(0);
        Usermem mem = t.mm().usermem();
        long value = 0, interval = 0;
        if (t.arg(1) != 0) {
            ByteBuffer b = ByteBuffer.wrap(mem.read(t.arg(1), 32)).order(ByteOrder.LITTLE_ENDIAN);
            interval = timeval(b.getLong(0), b.getLong(8));
            value = timeval(b.getLong(16), b.getLong(24));
        }
        if (which < ITIMER_REAL || which > ITIMER_PROF) throw SyscallError.of(EINVAL);
        long[] old = TimerOps.setItimer(t, which, value, interval);
        if (t.arg(2) != 0) writeItimerval(mem, t.arg(2), old);
        return 0;
    }

    /** Implements Linux getitimer(2). */
    static long getitimer(Task t) {
        int which = t.intArg(0);
        if (which < ITIMER_REAL || which > ITIMER_PROF) throw SyscallError.of(EINVAL);
        writeItimerval(t.mm().usermem(), t.arg(1), TimerOps.getItimer(t, which));
        return 0;
    }

    /** A struct timeval as nanoseconds; EINVAL out of range (timeval_valid). */
    private static long timeval(long sec, long usec) {
        if (sec < 0 || usec < 0 || usec >= 1_000_000) throw SyscallError.of(EINVAL);
        if (sec >= Long.MAX_VALUE / NANOS / 2) return Long.MAX_VALUE / 4;
        return sec * NANOS + usec * USEC;
    }

    private static void writeItimerval(Usermem mem, long addr, long[] v) {
        mem.write(addr, SysTime.longsToBytes(new long[] {v[1] / NANOS, (v[1] % NANOS) / USEC, v[0] / NANOS,
                // A remaining time under a microsecond still shows as one, not as disarmed.
                v[0] > 0 && v[0] < USEC ? 1 : (v[0] % NANOS) / USEC}));
    }

    // ---- POSIX timers

    /** The timer clock kind of a clock id, or an errno: EINVAL unknown, EOPNOTSUPP for clocks without timers. */
    private static int clockKind(Task t, int clock) {
        return switch (clock) {
            case SysTime.CLOCK_REALTIME, SysTime.CLOCK_TAI, 8 /* REALTIME_ALARM */ -> IntervalTimer.WALL;
            case SysTime.CLOCK_MONOTONIC, SysTime.CLOCK_BOOTTIME, 9 /* BOOTTIME_ALARM */ -> IntervalTimer.MONOTONIC;
            case SysTime.CLOCK_PROCESS_CPUTIME_ID, SysTime.CLOCK_THREAD_CPUTIME_ID -> IntervalTimer.CPU;
            case SysTime.CLOCK_MONOTONIC_RAW, SysTime.CLOCK_REALTIME_COARSE, SysTime.CLOCK_MONOTONIC_COARSE ->
                throw SyscallError.of(EOPNOTSUPP);
            default -> {
                SysTime.now(t, clock); // EINVAL unless one of the caller's CPU clocks
                yield IntervalTimer.CPU;
            }
        };
    }

    /** Implements Linux timer_create(2). */
    static long timerCreate(Task t) {
        int clock = t.intArg(0);
        long sevp = t.arg(1), idp = t.arg(2);
        Usermem mem = t.mm().usermem();
        int notify = IntervalTimer.SIGEV_SIGNAL, signo = Signals.SIGALRM, tid = 0;
        long sigval = 0;
        boolean sigvalIsId = sevp == 0; // the default sigevent carries the timer id
        if (sevp != 0) {
            ByteBuffer b = ByteBuffer.wrap(mem.read(sevp, SIGEVENT_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
            sigval = b.getLong(0);
            signo = b.getInt(8);
            notify = b.getInt(12);
            tid = b.getInt(16);
        }
        int kind = clockKind(t, clock);
        switch (notify) {
            case IntervalTimer.SIGEV_THREAD_ID -> {
                Task target = t.kernel().tasks().get(tid);
                if (target == null || target.tgid() != t.tgid()) throw SyscallError.of(EINVAL);
                if (signo <= 0 || signo > Signals.NSIG) throw SyscallError.of(EINVAL);
            }
            case IntervalTimer.SIGEV_SIGNAL, IntervalTimer.SIGEV_THREAD -> {
                if (signo <= 0 || signo > Signals.NSIG) throw SyscallError.of(EINVAL);
            }
            case IntervalTimer.SIGEV_NONE -> { }
            default -> throw SyscallError.of(EINVAL);
        }
        int id = TimerOps.createTimer(t, clock, kind, notify, signo, sigval, tid, sigvalIsId);
        if (id < 0) throw SyscallError.of(EAGAIN);
        try {
            mem.writeInt(idp, id);
        } catch (SyscallError e) {
            TimerOps.deleteTimer(t, TimerOps.timer(t, id));
            throw SyscallError.of(EFAULT);
        }
        return 0;
    }

    private static IntervalTimer timer(Task t, int id) {
        IntervalTimer tm = TimerOps.timer(t, id);
        if (tm == null) throw SyscallError.of(EINVAL);
        return tm;
    }

    /** Implements Linux timer_settime(2). */
    static long timerSettime(Task t) {
        int id = t.intArg(0), flags = t.intArg(1);
        Usermem mem = t.mm().usermem();
        if (t.arg(2) == 0) throw SyscallError.of(EINVAL);
        ByteBuffer b = ByteBuffer.wrap(mem.read(t.arg(2), 32)).order(ByteOrder.LITTLE_ENDIAN);
        long interval = timespec(b.getLong(0), b.getLong(8));
        long value = timespec(b.getLong(16), b.getLong(24));
        IntervalTimer tm = timer(t, id);
        long[] old = TimerOps.setTimer(t, tm, (flags & SysTime.TIMER_ABSTIME) != 0, value, interval);
        if (t.arg(3) != 0) writeItimerspec(mem, t.arg(3), old);
        return 0;
    }

    /** Implements Linux timer_gettime(2). */
    static long timerGettime(Task t) {
        IntervalTimer tm = timer(t, t.intArg(0));
        writeItimerspec(t.mm().usermem(), t.arg(1), TimerOps.getTimer(t, tm));
        return 0;
    }

    /** Implements Linux timer_getoverrun(2). */
    static long timerGetoverrun(Task t) {
        return TimerOps.overrun(t, timer(t, t.intArg(0)));
    }

    /** Implements Linux timer_delete(2). */
    static long timerDelete(Task t) {
        TimerOps.deleteTimer(t, timer(t, t.intArg(0)));
        return 0;
    }

    private static long timespec(long sec, long nsec) {
        if (sec < 0 || nsec < 0 || nsec >= NANOS) throw SyscallError.of(EINVAL);
        if (sec >= Long.MAX_VALUE / NANOS / 2) return Long.MAX_VALUE / 4;
        return sec * NANOS + nsec;
    }

    private static void writeItimerspec(Usermem mem, long addr, long[] v) {
        mem.write(addr, SysTime.longsToBytes(new long[] {v[1] / NANOS, v[1] % NANOS, v[0] / NANOS, v[0] % NANOS}));
    }
}
