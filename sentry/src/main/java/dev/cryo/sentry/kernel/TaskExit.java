package dev.cryo.sentry.kernel;

import dev.cryo.platform.AddressSpace;
import dev.cryo.sentry.abi.Signals;

/**
 * A process's end (Linux's kernel/exit.c): its descriptors closed and memory freed, then a
 * zombie holding its wait status until the parent reaps it. Its children go to the sandbox's
 * init; when init itself ends, every other process is killed, as in a pid namespace.
 */
final class TaskExit {
    private TaskExit() {}

    /** Called on the task's own thread when its loop ends. Kernel lock held. */
    static void exited(Task t) {
        Kernel k = t.kernel;
        ThreadGroup g = t.group;
        boolean last = g.tasks.size() <= 1;
        AddressSpace as = t.mm.addressSpace();
        if (t.checkpointed) {
            // The sandbox was saved and stops: this is not the process's exit, only the end of
            // this copy of it. The saved graph is written already; the stub goes.
            g.tasks.remove(t);
            endContext(t, as, last);
            k.unregister(t);
            return;
        }
        if (!last) {
            // One thread of several: the process lives on (do_exit without group_dead).
            TaskThreads.release(t);
            g.tasks.remove(t);
            if (!t.kernel.sharedFds(t)) t.fds.closeAll();
            endContext(t, as, false);
            k.unregister(t);
            k.lock().wake();
            return;
        }
        long cpu = t.cpuTimeNanos();
        TaskThreads.release(t);
        g.tasks.remove(t);
        if (!t.kernel.sharedFds(t)) t.fds.closeAll(); // a CLONE_FILES process's table lives on with the other
        t.mm.releaseAll();
        if (as != null) keepOrClose(t, as);
        g.cpuNanos = cpu;
        g.waitStatus = g.exiting ? g.exitStatus : t.waitStatus;
        g.zombie = true;
        g.vforkPending = false;
        k.unregister(t);
        reparentChildren(k, g);
        if (g.parent == null) {
            zapOthers(k, t);
        } else {
            childExited(k, g);
        }
        k.lock().wake();
    }

    /**
     * The stub of a process that has ended: kept for another process run by this thread
     * (TaskStart empties it once the kernel lock is let go, off the parent's path to its wait),
     * or closed. The task lets go of its context and thread: a late signal or kick for it must
     * not reach the next process.
     */
    private static void keepOrClose(Task t, AddressSpace as) {
        if (!t.mayKeepStub) {
            as.close();
            return;
        }
        t.recycled = as;
        t.context = null;
        t.thread = null;
    }

    /** The stub thread of an ending task goes; with the last one, the whole stub process. */
    private static void endContext(Task t, AddressSpace as, boolean last) {
        if (last) {
            if (as != null) as.close();
        } else if (t.context != null) {
            t.context.release();
        }
    }

    /**
     * The one place a parent learns that {@code child} ended (do_notify_parent): its exit
     * signal (SIGCHLD for fork, none or another for clone) goes to the parent with the child's
     * status in its siginfo; a parent that ignores SIGCHLD or set SA_NOCLDWAIT has the child
     * reaped at once, never a zombie. Its waits are woken by the caller.
     */
    static void childExited(Kernel k, ThreadGroup child) {
        ThreadGroup parent = child.parent;
        if (parent == null) return;
        if (child.exitSignal != 0) {
            int st = child.waitStatus;
            int sig = st & 0x7f;
            int code = sig == 0 ? SigInfo.CLD_EXITED : (st & 0x80) != 0 ? SigInfo.CLD_DUMPED : SigInfo.CLD_KILLED;
            long ticks = child.cpuNanos / 10_000_000L; // USER_HZ clock ticks
            k.sendToThreadGroup(parent.leader, SigInfo.child(code, child.tgid, child.leader.creds.ruid,
                    sig == 0 ? (st >> 8) & 0xff : sig, ticks, 0));
        }
        if (child.exitSignal == Signals.SIGCHLD && ignoresChildren(parent)) {
            reap(k, parent, child);
        }
    }

    /**
     * do_notify_parent_cldstop: {@code child} stopped or continued. Its parent gets SIGCHLD with
     * {@code code} and {@code sig}, unless it set SA_NOCLDSTOP, and its waits look again. Not
     * holding the signal lock (it takes the kernel's monitor first).
     */
    static void notifyParent(ThreadGroup child, int code, int sig) {
        Kernel k = child.leader.kernel;
        ThreadGroup parent = child.parent;
        if (parent != null) {
            SignalAction a = parent.leader.signals.handlers().get(Signals.SIGCHLD);
            if ((a.flags & Signals.SA_NOCLDSTOP) == 0) {
                k.sendToThreadGroup(parent.leader, SigInfo.child(code, child.tgid, child.leader.creds.ruid, sig, 0, 0));
            }
        }
        k.lock().wake();
    }

    private static boolean ignoresChildren(ThreadGroup parent) {
        SignalAction a = parent.leader.signals.handlers().get(Signals.SIGCHLD);
        return a.handler == Signals.SIG_IGN || (a.flags & Signals.SA_NOCLDWAIT) != 0;
    }

    /** Removes a zombie for good: its pid is free again, its times go to the parent. Kernel lock held. */
    static void reap(Kernel k, ThreadGroup parent, ThreadGroup child) {
        parent.children.remove(child);
        k.groups.remove(child.tgid);
        parent.childrenCpuNanos += child.cpuNanos + child.childrenCpuNanos;
    }

    /** Gives the children of an exiting process to init (forget_original_parent). */
    private static void reparentChildren(Kernel k, ThreadGroup g) {
        if (g.children.isEmpty()) return;
        ThreadGroup init = k.groups.get(1);
        for (ThreadGroup c : g.children) {
            if (init == null || init == g || init.zombie) {
                c.parent = null; // nobody is left to reap it: the sandbox is ending
                continue;
            }
            c.parent = init;
            init.children.add(c);
            if (c.zombie) childExited(k, c);
        }
        g.children.clear();
    }

    /** Init has exited: every other task dies as by SIGKILL (zap_pid_ns_processes). */
    private static void zapOthers(Kernel k, Task init) {
        for (Task t : k.tasks().values()) {
            if (t != init) {
                t.zapped = true;
                t.interrupt();
            }
        }
    }
}
