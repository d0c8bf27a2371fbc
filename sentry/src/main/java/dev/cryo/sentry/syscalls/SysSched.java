package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;

/**
 * Scheduling and process-wide settings a program queries or sets (kernel/sched/core.c,
 * kernel/sys.c, kernel/exec_domain.c, fs/sync.c, mm/mlock.c). The Sentry does not schedule:
 * the host runs each task; what these calls set is recorded and read back as Linux would.
 */
final class SysSched {
    private SysSched() {}

    private static final int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
    private static final int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5,
            SCHED_DEADLINE = 6;
    private static final int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;

    static void register(SyscallTable t) {
        t.supported(Sysno.SYNC, task -> 0);
        t.supported(Sysno.SYNCFS, SysSched::syncfs, FD);
        t.supported(Sysno.GETPRIORITY, SysSched::getpriority, INT, INT);
        t.partial(Sysno.SETPRIORITY, "recorded and read back; the host schedules the task as it likes",
                SysSched::setpriority, INT, INT, INT);
        t.supported(Sysno.SCHED_GETSCHEDULER, SysSched::schedGetscheduler, INT);
        t.supported(Sysno.SCHED_GETPARAM, SysSched::schedGetparam, INT, PTR);
        t.supported(Sysno.SCHED_GET_PRIORITY_MAX, task -> priorityLimit(task.intArg(0), true), INT);
        t.supported(Sysno.SCHED_GET_PRIORITY_MIN, task -> priorityLimit(task.intArg(0), false), INT);
        t.partial(Sysno.PERSONALITY, "the persona and its flags are recorded; the task behaves as PER_LINUX",
                SysSched::personality, HEX);
        t.supported(Sysno.MLOCKALL, SysSched::mlockall, INT);
        t.supported(Sysno.MUNLOCKALL, task -> 0);
    }

    /** The task {@code pid} names: 0 or its own; ESRCH for any other (one task per sandbox yet). */
    private static Task target(Task t, int pid) {
        if (pid < 0) throw SyscallError.of(EINVAL);
        if (pid != 0 && pid != t.tid()) throw SyscallError.of(ESRCH);
        return t;
    }

    /** Implements Linux syncfs(2): the descriptor is checked; the read-only root has nothing to write. */
    static long syncfs(Task t) {
        t.fds().getIo(t.intArg(0));
        return 0;
    }

    /** Implements Linux getpriority(2): returns 20 - nice, as the raw syscall does. */
    static long getpriority(Task t) {
        int which = t.intArg(0), who = t.intArg(1);
        return 20 - subject(t, which, who).nice();
    }

    /** Implements Linux setpriority(2); the sandbox's root may lower the nice value. */
    static long setpriority(Task t) {
        int which = t.intArg(0), who = t.intArg(1), nice = t.intArg(2);
        Task s = subject(t, which, who);
        int want = Math.max(-20, Math.min(19, nice));
        if (want < s.nice() && t.creds().euid != 0) throw SyscallError.of(EACCES);
        s.setNice(want);
        return 0;
    }

    private static Task subject(Task t, int which, int who) {
        switch (which) {
            case PRIO_PROCESS, PRIO_PGRP -> {
                if (who != 0 && who != t.tid()) throw SyscallError.of(ESRCH);
            }
            case PRIO_USER -> {
                if (who != 0 && who != t.creds().euid) throw SyscallError.of(ESRCH);
            }
            default -> throw SyscallError.of(EINVAL);
        }
        return t;
    }

    /** Implements Linux sched_getscheduler(2): every task runs SCHED_OTHER. */
    static long schedGetscheduler(Task t) {
        target(t, t.intArg(0));
        return SCHED_OTHER;
    }

    /** Implements Linux sched_getparam(2): sched_priority 0, as for SCHED_OTHER. */
    static long schedGetparam(Task t) {
        if (t.arg(1) == 0) throw SyscallError.of(EINVAL);
        target(t, t.intArg(0));
        t.mm().usermem().writeInt(t.arg(1), 0);
        return 0;
    }

    /** Implements Linux sched_get_priority_max(2) and sched_get_priority_min(2). */
    static long priorityLimit(int policy, boolean max) {
        return switch (policy) {
            case SCHED_FIFO, SCHED_RR -> max ? 99 : 1;
            case SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE -> 0;
            default -> throw SyscallError.of(EINVAL);
        };
    }

    /** Implements Linux personality(2): 0xffffffff queries; any other value is set; returns the old one. */
    static long personality(Task t) {
        int old = t.personality();
        int persona = t.intArg(0);
        if (persona != 0xffffffff) t.setPersonality(persona);
        return old;
    }

    /** Implements Linux mlockall(2): all memory is resident in the memory file already. */
    static long mlockall(Task t) {
        int flags = t.intArg(0);
        if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0 || flags == MCL_ONFAULT) {
            throw SyscallError.of(EINVAL);
        }
        return 0;
    }
}
