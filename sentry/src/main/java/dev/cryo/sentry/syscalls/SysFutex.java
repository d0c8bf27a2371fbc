package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.ENOSYS;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Futexes;
import dev.cryo.sentry.kernel.Task;
import java.util.function.LongSupplier;

/** futex(2) (kernel/futex/syscalls.c): the wait, wake, requeue and PI lock operations threads use. */
final class SysFutex {
    private SysFutex() {}

    static final int WAIT = 0, WAKE = 1, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5,
            LOCK_PI = 6, UNLOCK_PI = 7, TRYLOCK_PI = 8, WAIT_BITSET = 9, WAKE_BITSET = 10,
            WAIT_REQUEUE_PI = 11, CMP_REQUEUE_PI = 12, LOCK_PI2 = 13;
    static final int PRIVATE_FLAG = 128, CLOCK_REALTIME = 256;

    static void register(SyscallTable t) {
        t.partial(Sysno.FUTEX, "PI locks without priorities (the Sentry schedules none); no requeue onto a PI "
                + "futex (WAIT_REQUEUE_PI, CMP_REQUEUE_PI: ENOSYS); a MAP_SHARED word wakes waiters of the same "
                + "process only; a freeze or a signal without a handler restarts a relative timeout whole",
                SysFutex::futex, PTR, INT, INT, PTR, PTR, HEX);
    }

    /** Implements Linux futex(2): uaddr, op, val, timeout (or val2), uaddr2, val3. */
    static long futex(Task t) {
        long addr = t.arg(0);
        int op = t.intArg(1), val = t.intArg(2);
        long timeout = t.arg(3), addr2 = t.arg(4);
        int val3 = t.intArg(5);
        int cmd = op & 127;
        boolean realtime = (op & CLOCK_REALTIME) != 0;
        // futex_cmd_has_timeout's commands take a clock choice; the others refuse one.
        if (realtime && cmd != WAIT && cmd != WAIT_BITSET && cmd != WAIT_REQUEUE_PI && cmd != LOCK_PI2) {
            throw SyscallError.LINUX_ENOSYS;
        }
        Futexes f = t.kernel().futexes();
        return switch (cmd) {
            case WAIT, WAIT_BITSET -> {
                LongSupplier clock = null;
                long deadline = 0;
                if (timeout != 0) {
                    long ns = SysTime.readTimespec(t.mm().usermem(), timeout);
                    // FUTEX_WAIT's timeout is relative, on the monotonic clock; the bitset wait's
                    // an absolute time on the chosen clock.
                    boolean wall = realtime && cmd == WAIT_BITSET;
                    clock = wall ? () -> SysTime.now(t, SysTime.CLOCK_REALTIME) : () -> t.kernel().uptimeNanos();
                    deadline = cmd == WAIT ? t.kernel().uptimeNanos() + ns : ns;
                }
                yield f.await(t, addr, val, cmd == WAIT ? Futexes.BITSET_ANY : val3, clock, deadline);
            }
            case WAKE -> f.wake(t, addr, val, Futexes.BITSET_ANY);
            case WAKE_BITSET -> f.wake(t, addr, val, val3);
            case REQUEUE -> f.requeue(t, addr, addr2, val, (int) timeout, false, 0);
            case CMP_REQUEUE -> f.requeue(t, addr, addr2, val, (int) timeout, true, val3);
            case WAKE_OP -> f.wakeOp(t, addr, addr2, val, (int) timeout, val3);
            case LOCK_PI, LOCK_PI2 -> {
                LongSupplier clock = null;
                long deadline = 0;
                if (timeout != 0) {
                    // Absolute: LOCK_PI on the wall clock, LOCK_PI2 on the monotonic one unless asked.
                    deadline = SysTime.readTimespec(t.mm().usermem(), timeout);
                    boolean wall = cmd == LOCK_PI || realtime;
                    clock = wall ? () -> SysTime.now(t, SysTime.CLOCK_REALTIME) : () -> t.kernel().uptimeNanos();
                }
                yield f.lockPi(t, addr, false, clock, deadline);
            }
            case TRYLOCK_PI -> f.lockPi(t, addr, true, null, 0);
            case UNLOCK_PI -> f.unlockPi(t, addr);
            // Requeueing condition-variable waiters onto a PI mutex is not offered (counted): glibc
            // stopped using it in 2.25. FUTEX_FD is gone from Linux, and other numbers never were
            // (Linux's own ENOSYS).
            case WAIT_REQUEUE_PI, CMP_REQUEUE_PI -> throw SyscallError.of(ENOSYS);
            default -> throw SyscallError.LINUX_ENOSYS;
        };
    }
}
