package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.ECHILD;

import dev.cryo.sentry.abi.SyscallError;

/**
 * Waiting for children (Linux's kernel/exit.c do_wait): which children a wait selects, and
 * reaping the first zombie among them, or reporting a stop (WUNTRACED) or continue (WCONTINUED). Blocks with the kernel lock released; an interrupt
 * (a freeze, later a signal) ends the wait with ERESTARTSYS, and the restarted call finds the
 * same children again.
 */
public final class TaskWait {
    private TaskWait() {}

    public static final int WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8,
            WNOWAIT = 0x01000000, WNOTHREAD = 0x20000000, WALL = 0x40000000, WCLONE = 0x80000000;
    /** waitid's idtype values. */
    public static final int P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

    /**
     * A child found by a wait.
     *
     * @param waitStatus the wait(2) status word
     * @param cpuNanos CPU time of the child and of its reaped children
     */
    public record Waited(int pid, int waitStatus, long cpuNanos, int uid) {}

    /**
     * Waits for a child selected by {@code idtype}/{@code id} (P_PGID with id 0: the caller's
     * group) and {@code options}. Returns null with WNOHANG when no selected child has exited;
     * ECHILD when there is no selected child at all. Kernel lock held.
     */
    public static Waited waitChild(Task t, int idtype, int id, int options) {
        Kernel k = t.kernel;
        int pgid = idtype == P_PGID && id == 0 ? t.group.pgid : id;
        while (true) {
            boolean any = false;
            for (ThreadGroup c : t.group.children) {
                if (!selected(c, idtype, pgid, options)) continue;
                any = true;
                if (c.zombie && (options & WEXITED) != 0) {
                    Waited w = new Waited(c.tgid, c.waitStatus, c.cpuNanos + c.childrenCpuNanos, c.leader.creds.ruid);
                    if ((options & WNOWAIT) == 0) TaskExit.reap(k, t.group, c);
                    return w;
                }
                if (c.zombie) continue;
                ProcessSignals ps = c.leader.signals.process;
                synchronized (k.signalLock) {
                    // wait_task_stopped: a stop is reported once (WNOWAIT leaves it).
                    if ((options & WSTOPPED) != 0 && ps.stopped && ps.stopToReport != 0) {
                        int st = (ps.stopToReport << 8) | 0x7f;
                        if ((options & WNOWAIT) == 0) ps.stopToReport = 0;
                        return new Waited(c.tgid, st, 0, c.leader.creds.ruid);
                    }
                    // wait_task_continued: as is a continue.
                    if ((options & WCONTINUED) != 0 && ps.continued) {
                        if ((options & WNOWAIT) == 0) ps.continued = false;
                        return new Waited(c.tgid, 0xffff, 0, c.leader.creds.ruid);
                    }
                }
            }
            if (!any) throw SyscallError.of(ECHILD);
            if ((options & WNOHANG) != 0) return null;
            k.lock().await();
        }
    }

    /** eligible_pid and eligible_child: the id, and __WCLONE/__WALL against the exit signal. */
    private static boolean selected(ThreadGroup c, int idtype, int id, int options) {
        switch (idtype) {
            case P_PID -> {
                if (c.tgid != id) return false;
            }
            case P_PGID -> {
                if (c.pgid != id) return false;
            }
            default -> { }
        }
        if ((options & WALL) != 0) return true;
        // A "clone" child is one that signals its parent with something other than SIGCHLD.
        boolean cloneChild = c.exitSignal != dev.cryo.sentry.abi.Signals.SIGCHLD;
        return cloneChild == ((options & WCLONE) != 0);
    }
}
