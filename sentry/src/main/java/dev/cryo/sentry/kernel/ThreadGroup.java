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
 * <p>Its threads are {@link #tasks}: the live ones, the first of them its {@link #leader}
 * (whose tid is the pid) until it exits. The process lives while any thread does; a leader that
 * exited first stays in {@link #leader} for what the process's identity needs (its credentials,
 * its signal dispositions, shared by every thread).
 */
@Savable
public final class ThreadGroup {
    final int tgid;
    final Task leader;
    /** The live threads, in creation order. */
    final List<Task> tasks = new ArrayList<>();
    /**
     * Set by exit_group or a fatal signal (Linux's SIGNAL_GROUP_EXIT): every thread dies at its
     * next boundary, and the process's status is {@link #exitStatus}, not its last thread's.
     */
    boolean exiting;
    int exitStatus;
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
        this.tasks.add(leader);
    }

    /** The live threads (a copy). */
    public List<Task> threads() {
        return new ArrayList<>(tasks);
    }

    /**
     * Ends every thread of the process with wait status {@code status} (zap_other_threads):
     * the others die at their next boundary. The first such exit decides the status.
     * Kernel lock held.
     */
    void exitAll(Task by, int status) {
        if (exiting) return;
        exiting = true;
        exitStatus = status;
        for (Task x : tasks) {
            if (x != by) x.interrupt();
        }
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

    /** CPU time of the reaped children and of their reaped children (times' cutime, RUSAGE_CHILDREN). */
    public long childrenCpuNanos() {
        return childrenCpuNanos;
    }

    /** The pid its parent sees: 0 for init. */
    public int ppid() {
        return parent == null ? 0 : parent.tgid;
    }
}
