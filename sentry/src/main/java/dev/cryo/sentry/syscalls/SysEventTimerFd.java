package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.anon.EventFdFile;
import dev.cryo.sentry.fs.anon.TimerFdFile;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;

/** eventfd and timerfd (fs/eventfd.c, fs/timerfd.c): counters and timers as descriptors. */
final class SysEventTimerFd {
    private SysEventTimerFd() {}

    static final int TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;

    static void register(SyscallTable t) {
        t.supported(Sysno.EVENTFD, task -> eventfd(task, 0), INT);
        t.supported(Sysno.EVENTFD2, task -> eventfd(task, task.intArg(1)), INT, HEX);
        t.supported(Sysno.TIMERFD_CREATE, SysEventTimerFd::timerfdCreate, INT, HEX);
        t.partial(Sysno.TIMERFD_SETTIME, "TFD_TIMER_CANCEL_ON_SET is accepted but a clock change never cancels",
                SysEventTimerFd::timerfdSettime, FD, HEX, PTR, PTR);
        t.supported(Sysno.TIMERFD_GETTIME, SysEventTimerFd::timerfdGettime, FD, PTR);
    }

    /** Implements Linux eventfd(2) and eventfd2(2). */
    static long eventfd(Task t, int flags) {
        if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK | EventFdFile.EFD_SEMAPHORE)) != 0) {
            throw SyscallError.of(EINVAL);
        }
        long initial = t.arg(0) & 0xffff_ffffL; // an unsigned int
        var f = new EventFdFile(t.kernel().lock(), t.kernel().nextAnonInode(), initial, flags);
        return t.fds().install(f, (flags & OpenFlags.O_CLOEXEC) != 0, 0);
    }

    /** Implements Linux timerfd_create(2). */
    static long timerfdCreate(Task t) {
        int clock = t.intArg(0), flags = t.intArg(1);
        if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK)) != 0) throw SyscallError.of(EINVAL);
        if (!TimerFdFile.validClock(clock)) throw SyscallError.of(EINVAL);
        var f = new TimerFdFile(t.kernel(), t.kernel().nextAnonInode(), clock, flags);
        return t.fds().install(f, (flags & OpenFlags.O_CLOEXEC) != 0, 0);
    }

    /** Implements Linux timerfd_settime(2): the new value is read and checked before the descriptor. */
    static long timerfdSettime(Task t) {
        int flags = t.intArg(1);
        Usermem mem = t.mm().usermem();
        long[] spec = readItimerspec(mem, t.arg(2));
        if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0 || spec == null) throw SyscallError.of(EINVAL);
        TimerFdFile f = timerfd(t, t.intArg(0));
        long[] old = f.set(spec[1], spec[0], (flags & TFD_TIMER_ABSTIME) != 0);
        if (t.arg(3) != 0) writeItimerspec(mem, t.arg(3), old);
        return 0;
    }

    /** Implements Linux timerfd_gettime(2). */
    static long timerfdGettime(Task t) {
        TimerFdFile f = timerfd(t, t.intArg(0));
        writeItimerspec(t.mm().usermem(), t.arg(1), f.get());
        return 0;
    }

    private static TimerFdFile timerfd(Task t, int fd) {
        FileDescription f = t.fds().get(fd);
        if (!(f instanceof TimerFdFile tf)) throw SyscallError.of(EINVAL);
        return tf;
    }

    /** {interval, value} in ns, or null if a timespec is invalid; EFAULT if unreadable. */
    private static long[] readItimerspec(Usermem mem, long addr) {
        long[] w;
        try {
            w = new long[] {mem.readLong(addr), mem.readLong(addr + 8), mem.readLong(addr + 16), mem.readLong(addr + 24)};
        } catch (SyscallError e) {
            throw SyscallError.of(EFAULT);
        }
        for (int i = 0; i < 4; i += 2) {
            if (w[i] < 0 || w[i + 1] < 0 || w[i + 1] >= SysTime.NANOS) return null;
        }
        return new long[] {ns(w[0], w[1]), ns(w[2], w[3])};
    }

    private static long ns(long sec, long nsec) {
        return sec >= Long.MAX_VALUE / SysTime.NANOS / 2 ? Long.MAX_VALUE / 4 : sec * SysTime.NANOS + nsec;
    }

    private static void writeItimerspec(Usermem mem, long addr, long[] v) {
        try {
            mem.writeLong(addr, v[0] / SysTime.NANOS);
            mem.writeLong(addr + 8, v[0] % SysTime.NANOS);
            mem.writeLong(addr + 16, v[1] / SysTime.NANOS);
            mem.writeLong(addr + 24, v[1] % SysTime.NANOS);
        } catch (SyscallError e) {
            throw SyscallError.of(EFAULT);
        }
    }
}
