package dev.cryo.sentry.kernel;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.Event;
import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FsContext;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;

/**
 * A thread of the sandbox (Linux's task_struct). Its whole state is in fields (DESIGN.md rule
 * 1): registers, memory, descriptors, filesystem context, identity, limits and signal state.
 * It runs on its own Java platform thread: {@link #run} loops between the application and the
 * Sentry until the task exits.
 */
@Savable
public final class Task {
    final Kernel kernel;
    final int tid;
    final int tgid;
    /** General registers, {@link Regs} order: the application's while it runs, saved with the task. */
    final long[] regs;
    /** The process this task belongs to. */
    final ThreadGroup group;
    MemoryManager mm;
    FdTable fds;
    FsContext fs;
    Credentials creds = Credentials.root();
    Limits limits = new Limits();

    /** Mask, pending signals, alternate stack, and the shared dispositions and process signal state. */
    TaskSignals signals = new TaskSignals();

    long clearChildTid;
    long robustListHead;
    long robustListLen;
    long rseqAddr;
    int rseqLen;
    int rseqSig;
    /** The nice value, -20..19 (setpriority(2)). */
    int nice;
    /**
     * The sandbox CPUs (bit i: CPU i) the task may run on, as sched_setaffinity(2) set it; -1
     * for all. Recorded and read back: the host places the stubs as the platform decides.
     */
    long affinity = -1L;
    /** The execution domain and its flags (personality(2)); recorded, PER_LINUX's behaviour either way. */
    int personality;

    /** The executable's path in the sandbox (for /proc/self/exe, AT_EXECFN). */
    String execPath = "";
    /**
     * The task's NUMA policy (set_mempolicy): its mode with the user-visible mode flags, and the
     * nodes the user gave (node 0 is the only node; a policy naming others keeps them only with
     * MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES, which report the user's mask back).
     */
    int mempolicy;
    long mempolicyNodes;
    /** The kernel's uptime when the task was made: saved, the uptime goes on across a restore. */
    long startedAt;
    /** The process name (comm): the executable's basename, 15 bytes at most. */
    String comm = "";

    /** Set once the task has exited; {@link #waitStatus} then holds its wait(2) status. */
    boolean exited;
    /** The task ended because a checkpoint stopped the sandbox, not by itself. */
    boolean checkpointed;
    int waitStatus;

    /**
     * The FP/SSE/AVX (XSAVE) state, read by the task's own thread when it parks for a freeze
     * and loaded into the new context on restore. Between freezes it lives in the context.
     */
    byte[] fpState;

    /**
     * Linux's restart_block: what restart_syscall(2) continues after a freeze interrupted a
     * sleep. {@code restartClock} is -1 when there is nothing to continue.
     */
    int restartClock = -1;
    long restartDeadline;
    /** Where the interrupted sleep writes the time left if interrupted again (its rem argument), or 0. */
    long restartRem;

    /**
     * CPU time used as of the last park: a restored task's new stub starts its CPU clock at 0,
     * and CPU clocks and CPU-time timers go on from this instead.
     */
    long cpuBefore;
    @Rebuilt("cpuBefore minus the new context's CPU time, in Kernel.resumeOnThisThread")
    transient long cpuOffset;

    /**
     * The tid of the vfork child this task waits for before it runs on (0 if none). Saved: a
     * parent frozen in vfork keeps waiting after a restore.
     */
    int vforkChild;

    /** The platform context running this task. */
    @Rebuilt("a new stub's context, made by Kernel.resumeOnThisThread on the restoring thread")
    transient Context context;
    /** Whether its thread takes another process once this one has exited (TaskStart's threads). */
    @Rebuilt("set by the thread that runs the task")
    transient boolean mayKeepStub;
    /** Set at exit when the task's stub is kept for another process (see StubPool). */
    @Rebuilt("null: set only once the task has exited")
    transient AddressSpace recycled;
    /** The Java thread running the task, for interrupting its blocking waits. */
    @Rebuilt("set by run() on the thread that runs the task")
    transient volatile Thread thread;
    /**
     * Set when the sandbox's init has exited: the task dies as by SIGKILL at its next boundary
     * (zap_pid_ns_processes).
     */
    @Rebuilt("false: a kernel is never saved once its init has exited")
    transient volatile boolean zapped;

    Task(Kernel kernel, int tid, int tgid, long[] regs) {
        this.kernel = kernel;
        this.tid = tid;
        this.tgid = tgid;
        this.regs = regs;
        this.group = new ThreadGroup(this, tgid, tgid);
        this.startedAt = kernel.uptimeNanos();
    }

    /** A new thread of {@code group}'s process. */
    Task(Kernel kernel, int tid, ThreadGroup group, long[] regs) {
        this.kernel = kernel;
        this.tid = tid;
        this.tgid = group.tgid;
        this.regs = regs;
        this.group = group;
        group.tasks.add(this);
        this.startedAt = kernel.uptimeNanos();
    }

    /** When the task began, in the kernel's uptime (/proc/PID/stat's starttime); kept across a restore. */
    public long startedAt() {
        return startedAt;
    }

    /** The task whose system call the calling thread serves, or null off the task threads. */
    public static Task current() {
        return TaskRunner.current();
    }

    public Kernel kernel() {
        return kernel;
    }

    public int tid() {
        return tid;
    }

    public int tgid() {
        return tgid;
    }

    /** Parent's pid as the task sees it: 0 for the sandbox's init, as in a pid namespace. */
    public int ppid() {
        return group.ppid();
    }

    /** The process this task belongs to. */
    public ThreadGroup group() {
        return group;
    }

    public long[] regs() {
        return regs;
    }

    /** Syscall argument {@code i} (0..5) as the full 64-bit register. */
    public long arg(int i) {
        return regs[Regs.SYSCALL_ARGS[i]];
    }

    /** Syscall argument {@code i} truncated to a C int, as the kernel does for int parameters. */
    public int intArg(int i) {
        return (int) regs[Regs.SYSCALL_ARGS[i]];
    }

    public long syscallNumber() {
        return regs[Regs.ORIG_RAX];
    }

    public MemoryManager mm() {
        return mm;
    }

    /** Gives this task its own copy of its descriptor table if another live task uses it too. Kernel lock held. */
    public void unshareFds() {
        if (kernel.sharedFds(this)) fds = fds.fork();
    }

    public FdTable fds() {
        return fds;
    }

    public FsContext fs() {
        return fs;
    }

    public Credentials creds() {
        return creds;
    }

    public Limits limits() {
        return limits;
    }

    public TaskSignals signals() {
        return signals;
    }

    /** Sets the task's signal state (a clone's, from {@link TaskSignals#forClone}). */
    public void setSignals(TaskSignals s) {
        this.signals = s;
    }

    public SignalAction action(int sig) {
        return signals.handlers.get(sig);
    }

    public long signalMask() {
        return signals.mask;
    }

    /** Sets the mask; SIGKILL and SIGSTOP cannot be blocked (kernel/signal.c sigdelsetmask). */
    public void setSignalMask(long mask) {
        synchronized (kernel.signalLock) {
            signals.mask = mask & ~TaskSignals.UNBLOCKABLE;
        }
    }

    /**
     * For rt_sigsuspend and the p* waits: blocks {@code mask} until the next delivery, after
     * which the current mask comes back (sigsuspend's saved_sigmask).
     */
    public void setTemporaryMask(long mask) {
        synchronized (kernel.signalLock) {
            if (!signals.restoreSavedMask) signals.savedMask = signals.mask;
            signals.restoreSavedMask = true;
            signals.mask = mask & ~TaskSignals.UNBLOCKABLE;
        }
    }

    /** The signals pending for this task (its own and its process's), as rt_sigpending reports them: blocked ones included. */
    public long pendingSignals() {
        synchronized (kernel.signalLock) {
            return signals.pendingSet();
        }
    }

    /** Whether a signal this task does not block is pending: a blocking wait gives way to it. */
    public boolean signalPending() {
        return Signalling.hasDeliverable(this);
    }

    /**
     * rt_sigtimedwait's take: removes and returns the next pending signal in {@code set}
     * (blocked or not), or null.
     */
    public SigInfo takeSignal(long set) {
        return Signalling.dequeue(this, ~set);
    }

    public void setClearChildTid(long addr) {
        this.clearChildTid = addr;
    }

    public long clearChildTid() {
        return clearChildTid;
    }

    public void setRobustList(long head, long len) {
        this.robustListHead = head;
        this.robustListLen = len;
    }

    public long robustListHead() {
        return robustListHead;
    }

    public long robustListLen() {
        return robustListLen;
    }

    public void setRseq(long addr, int len, int sig) {
        this.rseqAddr = addr;
        this.rseqLen = len;
        this.rseqSig = sig;
    }

    public long rseqAddr() {
        return rseqAddr;
    }

    public int rseqLen() {
        return rseqLen;
    }

    public int rseqSig() {
        return rseqSig;
    }

    public long affinity() {
        return affinity;
    }

    public void setAffinity(long mask) {
        affinity = mask;
    }

    public int nice() {
        return nice;
    }

    public void setNice(int nice) {
        this.nice = Math.max(-20, Math.min(19, nice));
    }

    public int mempolicy() {
        return mempolicy;
    }

    public long mempolicyNodes() {
        return mempolicyNodes;
    }

    public void setMempolicy(int modeAndFlags, long nodes) {
        this.mempolicy = modeAndFlags;
        this.mempolicyNodes = nodes;
    }

    public int personality() {
        return personality;
    }

    public void setPersonality(int personality) {
        this.personality = personality;
    }

    public String execPath() {
        return execPath;
    }

    public String comm() {
        return comm;
    }

    public void setComm(String comm) {
        this.comm = comm.length() > 15 ? comm.substring(0, 15) : comm;
    }

    /** CPU time this task has used running application code, in nanoseconds. */
    public long cpuTimeNanos() {
        return context == null ? cpuBefore : context.cpuTimeNanos() + cpuOffset;
    }

    public boolean checkpointed() {
        return checkpointed;
    }

    public boolean exited() {
        return exited;
    }

    public int waitStatus() {
        return waitStatus;
    }

    /** Ends the whole thread group with exit code {@code code} (exit_group(2)). Kernel lock held. */
    public void exitGroup(int code) {
        exitThread(code);
        group.exitAll(this, waitStatus);
    }

    /** Ends this thread only, with exit code {@code code} (exit(2)); the process lives while others do. */
    public void exitThread(int code) {
        exited = true;
        waitStatus = (code & 0xff) << 8;
    }

    /** Ends the thread group as signal {@code sig} does; {@code core} as for a core-dumping default action. */
    public void killBySignal(int sig, boolean core) {
        exited = true;
        // WCOREDUMP says a core file was written; the Sentry writes none (Linux with
        // RLIMIT_CORE 0 does the same), so the flag stays clear whatever the signal.
        waitStatus = sig;
        // Delivery decides a fatal signal outside the kernel lock; the threads list is under it.
        var lock = kernel.lock();
        boolean held = lock.heldByCurrentThread();
        if (!held) lock.lock();
        try {
            group.exitAll(this, sig);
        } finally {
            if (!held) lock.unlock();
        }
    }

    /** Ends this task because the sandbox stopped after a checkpoint: nothing of the process changes. */
    void endForCheckpoint() {
        exited = true;
        checkpointed = true;
    }

    /** Makes a child process (fork, vfork, clone without CLONE_VM); returns its pid. Kernel lock held. */
    public int fork(CloneArgs a) {
        return TaskFork.fork(this, a);
    }

    /** Makes a thread of this process (clone with CLONE_THREAD); returns its tid. Kernel lock held. */
    public int cloneThread(CloneArgs a) {
        return TaskThreads.clone(this, a);
    }

    /**
     * Replaces the process image (execve); {@code dir} is where a relative {@code path} starts,
     * {@code filename} what the new program is told it is (AT_EXECFN, a script's argument).
     * On failure nothing has changed. Kernel lock held, on the task's thread.
     */
    public void exec(String dir, String path, String filename, java.util.List<String> argv, java.util.List<String> envp) {
        TaskExec.exec(this, dir, path, filename, argv, envp);
    }

    /** Records where a freeze interrupted a sleep, for restart_syscall(2). */
    public void setRestart(int clock, long deadline, long rem) {
        this.restartClock = clock;
        this.restartDeadline = deadline;
        this.restartRem = rem;
    }

    public long restartRem() {
        return restartRem;
    }

    public int restartClock() {
        return restartClock;
    }

    public long restartDeadline() {
        return restartDeadline;
    }

    /**
     * Whether a blocking system call must give way now: a freeze is asking this task to park,
     * or a signal it does not block is pending (the call then ends with EINTR or restarts).
     */
    public boolean freezePending() {
        return kernel.freezeRequested() || Signalling.hasDeliverable(this) || zapped || group.exiting;
    }

    /** Any thread: makes the task leave the application or a blocking wait soon. */
    void interrupt() {
        if (context != null) context.interrupt();
        Thread th = thread;
        if (th != null) th.interrupt();
    }

    /** Any thread: makes the task come back to the Sentry from the application soon (CPU timers). */
    void kick() {
        Context c = context;
        if (c != null) c.interrupt();
    }

    /**
     * Runs the task until it exits; returns its wait status. Must be called on the thread that
     * created the task's address space (the platform's tracer).
     */
    public int run() {
        thread = Thread.currentThread();
        TaskRunner.run(this);
        return waitStatus;
    }
}
