package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.syscalls.Arg.INT;

import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.ProcessGroups;
import dev.cryo.sentry.kernel.Task;

/** The process tree's ids: parent, process group, session (kernel/sys.c). */
final class SysPgrp {
    private SysPgrp() {}

    static void register(SyscallTable t) {
        t.supported(Sysno.GETPPID, SysPgrp::getppid);
        t.supported(Sysno.GETPGRP, SysPgrp::getpgrp);
        t.supported(Sysno.GETPGID, SysPgrp::getpgid, INT);
        t.supported(Sysno.SETPGID, SysPgrp::setpgid, INT, INT);
        t.supported(Sysno.GETSID, SysPgrp::getsid, INT);
        t.supported(Sysno.SETSID, SysPgrp::setsid);
    }

    /** Implements Linux getppid(2): 0 for the sandbox's init, as in a pid namespace. */
    static long getppid(Task t) {
        return t.ppid();
    }

    /** Implements Linux getpgrp(2). */
    static long getpgrp(Task t) {
        return t.group().pgid();
    }

    /** Implements Linux getpgid(2). */
    static long getpgid(Task t) {
        return ProcessGroups.getpgid(t, t.intArg(0));
    }

    /** Implements Linux setpgid(2). */
    static long setpgid(Task t) {
        ProcessGroups.setpgid(t, t.intArg(0), t.intArg(1));
        return 0;
    }

    /** Implements Linux getsid(2). */
    static long getsid(Task t) {
        return ProcessGroups.getsid(t, t.intArg(0));
    }

    /** Implements Linux setsid(2). */
    static long setsid(Task t) {
        return ProcessGroups.setsid(t);
    }
}
