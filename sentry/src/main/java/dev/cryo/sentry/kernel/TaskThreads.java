package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.EAGAIN;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.sync.KernelLock;

/**
 * Threads (Linux's copy_process with CLONE_THREAD, exit_mm's clear_child_tid, exit_robust_list,
 * de_thread). A thread shares its process's memory, signal dispositions and process signal
 * state; its descriptor table and filesystem context as CLONE_FILES and CLONE_FS say. It runs
 * on its own platform thread, with its own thread of the process's stub.
 */
final class TaskThreads {
    private TaskThreads() {}

    /** Makes the thread; returns its tid. Kernel lock held, on the parent's thread. */
    static int clone(Task parent, CloneArgs a) {
        Kernel k = parent.kernel;
        if (k.taskCount() >= k.maxTasks()) throw SyscallError.of(EAGAIN);
        int tid = k.allocatePid();
        if (tid < 0) throw SyscallError.of(EAGAIN);
        ThreadGroup g = parent.group;
        Task c = new Task(k, tid, g, parent.regs.clone());
        c.regs[Regs.RAX] = 0;
        if (a.stack() != 0) c.regs[Regs.RSP] = a.stack();
        if (a.has(CloneArgs.CLONE_SETTLS)) c.regs[Regs.FS_BASE] = a.tls();
        c.mm = parent.mm;
        c.fds = a.has(CloneArgs.CLONE_FILES) ? parent.fds : parent.fds.fork();
        c.fs = a.has(CloneArgs.CLONE_FS) ? parent.fs : parent.fs.copy();
        // Credentials are each thread's, as in Linux (libc's setuid makes every thread change
        // its own); resource limits are the process's.
        c.creds = parent.creds.copy();
        c.limits = parent.limits;
        c.signals = parent.signals.forClone(true, true, true);
        c.nice = parent.nice;
        c.affinity = parent.affinity;
        c.personality = parent.personality;
        c.mempolicy = parent.mempolicy; // mpol_dup: a child starts on its parent's policy
        c.mempolicyNodes = parent.mempolicyNodes;
        c.execPath = parent.execPath;
        c.comm = parent.comm;
        c.clearChildTid = a.has(CloneArgs.CLONE_CHILD_CLEARTID) ? a.childTid() : 0;
        c.fpState = parent.context != null ? parent.context.fpState() : parent.fpState;
        if (a.has(CloneArgs.CLONE_CHILD_SETTID)) TaskFork.tryWriteInt(c.mm, a.childTid(), tid);
        if (a.has(CloneArgs.CLONE_PARENT_SETTID)) TaskFork.tryWriteInt(parent.mm, a.parentTid(), tid);
        k.register(c);
        try {
            k.startThreadOf(c, parent.mm.addressSpace());
        } catch (RuntimeException e) {
            k.unregister(c);
            g.tasks.remove(c);
            if (c.fds != parent.fds) c.fds.closeAll();
            throw SyscallError.of(EAGAIN);
        }
        return tid;
    }

    /**
     * What a thread leaves behind when it ends while its process lives on, or before the
     * process's own exit (mm_release): its robust futexes are marked as their owner dead, and
     * the word CLONE_CHILD_CLEARTID or set_tid_address named is zeroed and its waiter woken
     * (pthread_join's wake-up). Kernel lock held.
     */
    static void release(Task t) {
        Futexes.exitRobustList(t);
        long addr = t.clearChildTid;
        if (addr != 0 && t.group.tasks.size() > 1) {
            t.clearChildTid = 0;
            try {
                t.mm.usermem().writeInt(addr, 0);
                t.kernel.futexes().wake(t, addr, 1, Futexes.BITSET_ANY);
            } catch (SyscallError e) {
                // EFAULT: ignored, as in mm_release.
            }
        }
    }

    /**
     * exec's de_thread: every other thread of the process dies before the new image takes over.
     * Kernel lock held; waits without it. A freeze or signal ends the wait with ERESTARTSYS
     * (the exec, not yet past its point of no return, restarts and kills whoever is left). The
     * exec'ing thread keeps its own tid (Linux gives it the leader's): a limitation of non-leader
     * execs, which the syscall table notes.
     */
    static void killOthers(Task t) {
        ThreadGroup g = t.group;
        if (g.tasks.size() <= 1) return;
        for (Task x : g.tasks) {
            if (x != t) {
                x.zapped = true;
                x.interrupt();
            }
        }
        KernelLock lock = t.kernel.lock();
        while (g.tasks.size() > 1) lock.await();
    }
}
