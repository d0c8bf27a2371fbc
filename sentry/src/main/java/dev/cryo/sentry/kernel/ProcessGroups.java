package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ESRCH;

import dev.cryo.sentry.abi.SyscallError;

/**
 * Process groups and sessions (Linux's kernel/sys.c setpgid, setsid, getpgid, getsid), with
 * Linux's checks in Linux's order. Groups and sessions are ids on each process; a group exists
 * while some process carries its id. Kernel lock held throughout.
 */
public final class ProcessGroups {
    private ProcessGroups() {}

    /** The process {@code pid} (0: the caller's), zombies included; ESRCH if none. */
    private static ThreadGroup find(Task t, int pid) {
        if (pid == 0 || pid == t.group.tgid) return t.group;
        ThreadGroup g = pid < 0 ? null : t.kernel.groups.get(pid);
        if (g == null) throw SyscallError.of(ESRCH);
        return g;
    }

    public static int getpgid(Task t, int pid) {
        return find(t, pid).pgid;
    }

    public static int getsid(Task t, int pid) {
        return find(t, pid).sid;
    }

    /** Implements setpgid(2). */
    public static void setpgid(Task t, int pid, int pgid) {
        ThreadGroup self = t.group;
        if (pid == 0) pid = self.tgid;
        if (pgid == 0) pgid = pid;
        if (pgid < 0) throw SyscallError.of(EINVAL);
        ThreadGroup p = pid == self.tgid ? self : pid < 0 ? null : t.kernel.groups.get(pid);
        if (p == null) throw SyscallError.of(ESRCH);
        if (p.parent == self) {
            if (p.sid != self.sid) throw SyscallError.of(EPERM);
            if (p.execed) throw SyscallError.of(EACCES);
        } else if (p != self) {
            throw SyscallError.of(ESRCH);
        }
        if (p.sid == p.tgid) throw SyscallError.of(EPERM); // a session leader stays in its group
        if (pgid != pid) {
            boolean found = false;
            for (ThreadGroup g : t.kernel.groups.values()) {
                if (g.pgid == pgid) {
                    found = g.sid == self.sid;
                    break;
                }
            }
            if (!found) throw SyscallError.of(EPERM);
        }
        p.pgid = pgid;
    }

    /** Implements setsid(2): EPERM for a process whose pid is already some group's id. */
    public static int setsid(Task t) {
        ThreadGroup self = t.group;
        for (ThreadGroup g : t.kernel.groups.values()) {
            if (g.pgid == self.tgid) throw SyscallError.of(EPERM);
        }
        self.sid = self.tgid;
        self.pgid = self.tgid;
        return self.sid;
    }
}
