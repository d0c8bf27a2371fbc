package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;
import java.util.ArrayList;
import java.util.List;

/**
 * A process (Linux's signal_struct plus the process-tree links of task_struct): its id, its
 * parent and children, its process group and session, and, once it has exited, the status its
 * parent collects with wait(2). A process is a zombie from its exit until its parent reaps it;
 * its pid stays taken until then. Guarded by the kernel lock.
 *
 * <p>Each process has one task for now (threads come with CLONE_VM); {@link #leader} is it.
 */
@Savable
public final class ThreadGroup {
    final int tgid;
    final Task leader;
    /** Null for the sandbox's init (its parent is outside the pid namespace). */
    ThreadGroup parent;
    final List<ThreadGroup> children = new ArrayList<>();
    int pgid;
    int sid;
    /** The signal the parent gets when this process ends (clone's CSIGNAL byte; SIGCHLD for fork). */
    int exitSignal;

    /** Set when the process has exited: it is a zombie until reaped. */
    boolean zombie;
    /** wait(2) status of a zombie. */
    int waitStatus;
    /** CPU time of the process when it exited, and that of its reaped children (for rusage and times). */
    long cpuNanos;
    long childrenCpuNanos;
    /** Largest resident set of any reaped child, in KiB (getrusage's RUSAGE_CHILDREN ru_maxrss). */
    long childrenMaxRssKiB;
    /** Whether it ever called execve (setpgid on such a child is EACCES). */
    boolean execed;
    /**
     * A vfork parent waits while this is set on its child: until the child execs or exits
     * (Linux's vfork_done).
     */
    boolean vforkPending;

    ThreadGroup(Task leader, int pgid, int sid) {
        this.tgid = leader.tid;
        this.leader = leader;
        this.pgid = pgid;
        this.sid = sid;
    }

    public int tgid() {
        return tgid;
    }

    public int pgid() {
        return pgid;
    }

    public int sid() {
        return sid;
    }

    public ThreadGroup parent() {
        return parent;
    }

    public Task leader() {
        return leader;
    }

    public boolean zombie() {
        return zombie;
    }

    public int waitStatus() {
        return waitStatus;
    }

    /** A snapshot of the children, zombies included. */
    public List<ThreadGroup> children() {
        return new ArrayList<>(children);
    }

    /** The pid its parent sees: 0 for init. */
    public int ppid() {
        return parent == null ? 0 : parent.tgid;
    }
}
