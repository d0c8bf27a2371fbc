package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.EAGAIN;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.sync.KernelLock;

/**
 * New processes (Linux's kernel/fork.c copy_process for the process case). The child gets a
 * copy of everything per process: memory (private pages copied, shared ones shared), descriptor
 * table (or the same table, with CLONE_FILES: then closing, opening or dup'ing in either shows in
 * both until one execs), filesystem context, credentials, limits, signal dispositions and mask.
 * It then runs on its own platform thread with its own stub, from the parent's registers with
 * RAX = 0.
 *
 * <p>vfork (CLONE_VM|CLONE_VFORK, also glibc's posix_spawn) is served as a copy plus the
 * parent waiting until the child execs or exits: what the child writes to memory before it
 * execs is not seen by the parent, which POSIX allows for vfork and which costs posix_spawn
 * only its early report of an exec failure (the child's exit status 127 reports it instead).
 * Threads (CLONE_VM without CLONE_VFORK) are not here yet: the syscall layer answers ENOSYS.
 */
final class TaskFork {
    private TaskFork() {}

    /** Makes the child; returns its pid. Kernel lock held, on the parent's thread. */
    static int fork(Task parent, CloneArgs a) {
        Kernel k = parent.kernel;
        if (k.taskCount() >= k.maxTasks()) throw SyscallError.of(EAGAIN);
        int tid = k.allocatePid();
        if (tid < 0) throw SyscallError.of(EAGAIN);
        MemoryManager mm = parent.mm.fork(); // ENOMEM leaves nothing behind
        Task c = new Task(k, tid, tid, parent.regs.clone());
        c.regs[Regs.RAX] = 0;
        if (a.stack() != 0) c.regs[Regs.RSP] = a.stack();
        if (a.has(CloneArgs.CLONE_SETTLS)) c.regs[Regs.FS_BASE] = a.tls();
        c.mm = mm;
        c.fds = a.has(CloneArgs.CLONE_FILES) ? parent.fds : parent.fds.fork();
        c.fs = a.has(CloneArgs.CLONE_FS) ? parent.fs : parent.fs.copy();
        c.creds = parent.creds.copy();
        c.limits = parent.limits.copy();
        // copy_sighand/copy_signal: a new process, dispositions shared only with CLONE_SIGHAND,
        // the alternate stack kept unless the memory is shared without vfork (sas_ss_reset).
        c.signals = parent.signals.forClone(false, a.has(CloneArgs.CLONE_SIGHAND),
                a.has(CloneArgs.CLONE_VM) && !a.has(CloneArgs.CLONE_VFORK));
        if (a.has(CloneArgs.CLONE_CLEAR_SIGHAND)) clearHandlers(c);
        c.nice = parent.nice;
        c.affinity = parent.affinity;
        c.personality = parent.personality;
        c.mempolicy = parent.mempolicy; // mpol_dup: a child starts on its parent's policy
        c.mempolicyNodes = parent.mempolicyNodes;
        c.execPath = parent.execPath;
        c.comm = parent.comm;
        if (!a.has(CloneArgs.CLONE_VM)) { // rseq_fork: kept unless the memory is shared
            c.rseqAddr = parent.rseqAddr;
            c.rseqLen = parent.rseqLen;
            c.rseqSig = parent.rseqSig;
        }
        c.clearChildTid = a.has(CloneArgs.CLONE_CHILD_CLEARTID) ? a.childTid() : 0;
        // The FP/SSE state is the parent's at the fork, as the kernel copies it.
        c.fpState = parent.context != null ? parent.context.fpState() : parent.fpState;

        ThreadGroup g = c.group;
        g.parent = a.has(CloneArgs.CLONE_PARENT) ? parent.group.parent : parent.group;
        g.pgid = parent.group.pgid;
        g.sid = parent.group.sid;
        g.exitSignal = a.exitSignal();
        g.vforkPending = a.has(CloneArgs.CLONE_VFORK);
        if (g.parent != null) g.parent.children.add(g);

        // put_user results are ignored, as Linux does for these two.
        if (a.has(CloneArgs.CLONE_CHILD_SETTID)) tryWriteInt(c.mm, a.childTid(), tid);
        if (a.has(CloneArgs.CLONE_PARENT_SETTID)) {
            tryWriteInt(parent.mm, a.parentTid(), tid);
            if (a.has(CloneArgs.CLONE_VM)) tryWriteInt(c.mm, a.parentTid(), tid); // "shared" memory
        }
        k.register(c);
        try {
            k.startForked(c);
        } catch (RuntimeException e) {
            // No stub for the child (the host is out of processes): undo, and fail as fork does.
            k.unregister(c);
            k.groups.remove(tid);
            if (g.parent != null) g.parent.children.remove(g);
            if (c.fds != parent.fds) c.fds.closeAll();
            c.mm.releaseAll();
            throw SyscallError.of(EAGAIN);
        }
        if (g.vforkPending) parent.vforkChild = tid;
        return tid;
    }

    /**
     * CLONE_CLEAR_SIGHAND: handled signals go back to SIG_DFL in the child, ignored ones stay
     * ignored; done before the child is registered, so it never runs with its parent's handlers.
     */
    private static void clearHandlers(Task c) {
        for (int i = 1; i <= dev.cryo.sentry.abi.Signals.NSIG; i++) {
            SignalAction a = c.action(i);
            if (a.handler != dev.cryo.sentry.abi.Signals.SIG_IGN) {
                a.handler = dev.cryo.sentry.abi.Signals.SIG_DFL;
                a.flags = 0;
                a.mask = 0;
                a.restorer = 0;
            }
        }
    }

    /** put_user for clone's tid words: a fault is ignored, as copy_process ignores it. */
    static void tryWriteInt(MemoryManager mm, long addr, int v) {
        try {
            mm.usermem().writeInt(addr, v);
        } catch (SyscallError e) {
            // EFAULT: ignored, as put_user's result is in copy_process.
        }
    }

    /**
     * A vfork parent's wait, at its task loop's boundary (so that a freeze can still stop it):
     * true once the child has exec'd or exited, false if interrupted (the loop parks, then
     * comes back here). Kernel lock held.
     */
    static boolean vforkWait(Task t) {
        KernelLock lock = t.kernel.lock();
        while (true) {
            ThreadGroup c = t.kernel.groups.get(t.vforkChild);
            if (c == null || !c.vforkPending || c.parent != t.group) break;
            try {
                lock.await();
            } catch (SyscallError e) {
                return false;
            }
        }
        t.vforkChild = 0;
        return true;
    }
}
