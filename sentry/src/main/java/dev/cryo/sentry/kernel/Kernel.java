package dev.cryo.sentry.kernel;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Platform;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import dev.cryo.serializer.AfterLoad;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The root of all sandbox state (DESIGN.md rule 1): memory file, filesystem, tasks, counters.
 * Everything a checkpoint saves is reachable from here; what is transient is rebuilt on restore.
 */
@Savable
public final class Kernel implements AfterLoad, dev.cryo.sentry.sync.SandboxClock {
    /** Default of {@link #maxTasks}: the RLIMIT_NPROC a container's processes get. */
    public static final int DEFAULT_MAX_TASKS = 4096;
    /** Linux's PID_MAX_LIMIT on 64-bit: pids wrap around below it. */
    static final int PID_MAX = 4_194_304;

    private final MemoryFile memoryFile;
    private final VirtualFilesystem vfs;
    private final SyscallStats stats = new SyscallStats();
    /** Live tasks by tid (not zombies). Changed with the kernel lock and this monitor held. */
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();
    /** The pid namespace: every process by tgid, zombies included, until reaped. guarded by lock */
    final TreeMap<Integer, ThreadGroup> groups = new TreeMap<>();
    /** The next pid to try (alloc_pid is cyclic). guarded by lock */
    private int nextTid = 1;
    /** How many tasks (zombies included) may exist at once; fork/clone fail with EAGAIN past it. */
    private int maxTasks = DEFAULT_MAX_TASKS;
    /** Inode numbers of anonymous kernel objects (pipes). guarded by lock */
    private long nextAnonInode = 1;
    /** The big kernel lock every task holds while it serves a syscall (see KernelLock). */
    private final KernelLock lock = new KernelLock();
    private String hostname = "cryo";
    /** The NIS domain name uname(2) reports; Linux's default. */
    private String domainname = "(none)";
    /** CLOCK_REALTIME at boot, ns: for uptime and sysinfo. */
    private final long bootRealtime;
    /** The sandbox's uptime when it was saved: the monotonic clocks go on from it after a restore. */
    private long savedUptime;
    /** Guards all signal state (see {@link SignalLock} for the lock order). */
    final SignalLock signalLock = new SignalLock();

    @Rebuilt("a new service in afterLoad; the armed timers are in the processes' signal state")
    private transient TimerService timers = new TimerService(this);
    @Rebuilt("none until a process exits after the restore: kept stubs are host processes, not saved")
    private transient StubPool stubPool;
    @Rebuilt("empty, in afterLoad: no task waits on a futex in a frozen kernel (the waits restart)")
    private transient Futexes futexes = new Futexes();

    @Rebuilt("System.nanoTime() at boot, or at restore minus savedUptime (afterLoad)")
    private transient long bootMonotonic;
    @Rebuilt("the restoring process's platform, from the RestoreEnv in afterLoad")
    private transient Platform platform;
    @Rebuilt("from the RestoreEnv in afterLoad")
    private transient SyscallDispatcher dispatcher;
    /** Where --strace writes, or null. */
    @Rebuilt("from the RestoreEnv in afterLoad")
    private transient PrintStream strace;

    /** Test hook: syscalls left before {@link #onCountdown} runs; 0 when off. Task thread only. */
    @Rebuilt("off after a restore: a hook is set for one run")
    private transient long countdown;
    @Rebuilt("off after a restore: a hook is set for one run")
    private transient Runnable onCountdown;

    // Freezing (checkpoint, pause). guarded by this.
    @Rebuilt("0: a restored kernel starts thawed")
    private transient int freezeDepth;
    @Rebuilt("0: a restored kernel starts thawed")
    private transient int frozen;
    @Rebuilt("false: a restored kernel starts thawed")
    private transient volatile boolean freezeRequested;
    @Rebuilt("false: a restored kernel runs")
    private transient volatile boolean stopRequested;
    /** Signals sent from outside while frozen, sent on the thaw. guarded by this */
    @Rebuilt("empty: signals sent to a sandbox that then stopped after its checkpoint were lost with it")
    private transient java.util.ArrayList<SigInfo> deferredKills = new java.util.ArrayList<>();

    /**
     * What a restored kernel needs from the restoring process, including the host directory the
     * user chose as its root (never the one the image recorded).
     */
    public record RestoreEnv(Platform platform, SyscallDispatcher dispatcher, PrintStream strace, String rootfs)
            implements dev.cryo.sentry.vfs.RootChoice {
        public RestoreEnv(Platform platform, SyscallDispatcher dispatcher, PrintStream strace) {
            this(platform, dispatcher, strace, "/");
        }
    }

    /** Rebuilds the host side after the whole graph is read (phase 10: after the memory file). */
    @Override
    public void afterLoad(Object env) {
        RestoreEnv e = (RestoreEnv) env;
        this.platform = e.platform();
        this.dispatcher = e.dispatcher();
        this.strace = e.strace();
        this.bootMonotonic = System.nanoTime() - savedUptime;
        this.timers = new TimerService(this);
        this.futexes = new Futexes();
        this.deferredKills = new java.util.ArrayList<>();
        vfs.mountProc(new dev.cryo.sentry.kernel.proc.ProcFilesystem(this));
        if (anyTimerArmed()) timers.wake();
    }

    private synchronized boolean anyTimerArmed() {
        for (Task t : tasks.values()) {
            for (IntervalTimer tm : TimerService.timersOf(t.signals.process)) if (tm.armed) return true;
        }
        return false;
    }

    @Override
    public int afterLoadPhase() {
        return 10;
    }

    /**
     * The release uname reports (and /proc/version). A real kernel's version, because programs
     * and libcs gate features on it (glibc refuses to start below its minimum, 3.2; others test
     * for 5.x features); 6.1 is an LTS whose syscall set is what the Sentry aims to serve, and
     * the "-cryo" suffix tells a curious user whose kernel this is, as gVisor's fixed "4.4.0" does.
     */
    public static final String RELEASE = "6.1.0-cryo";
    public static final String VERSION = "#1 SMP PREEMPT_DYNAMIC Cryo";

    public Kernel(Platform platform, VirtualFilesystem vfs, SyscallDispatcher dispatcher) {
        this.platform = platform;
        this.vfs = vfs;
        this.dispatcher = dispatcher;
        this.memoryFile = new MemoryFile(MemoryFile.DEFAULT_CAPACITY);
        this.bootRealtime = System.currentTimeMillis() * 1_000_000L;
        this.bootMonotonic = System.nanoTime();
        vfs.mountProc(new dev.cryo.sentry.kernel.proc.ProcFilesystem(this));
    }

    public Platform platform() {
        return platform;
    }

    public MemoryFile memoryFile() {
        return memoryFile;
    }

    public VirtualFilesystem vfs() {
        return vfs;
    }

    public SyscallStats stats() {
        return stats;
    }

    public SyscallDispatcher dispatcher() {
        return dispatcher;
    }

    public String hostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public String domainname() {
        return domainname;
    }

    public void setDomainname(String domainname) {
        this.domainname = domainname;
    }

    /** Nanoseconds since the sandbox booted (its CLOCK_BOOTTIME). */
    @Override
    public long uptimeNanos() {
        return System.nanoTime() - bootMonotonic;
    }

    /**
     * Attaches a restored task to a new address space and context; call on the thread that will
     * run it. The other threads of its process start on threads of their own, in the same stub.
     */
    public void resumeOnThisThread(Task t) {
        TaskStart.resume(this, t);
    }

    public long bootRealtimeNanos() {
        return bootRealtime;
    }

    public PrintStream strace() {
        return strace;
    }

    public void setStrace(PrintStream out) {
        this.strace = out;
    }

    public synchronized Map<Integer, Task> tasks() {
        return new TreeMap<>(tasks);
    }

    /** Whether a live task other than {@code t} uses {@code t}'s descriptor table (CLONE_FILES). */
    synchronized boolean sharedFds(Task t) {
        for (Task x : tasks.values()) if (x != t && x.fds == t.fds && !x.exited) return true;
        return false;
    }

    /** The live task {@code tid}, or null. */
    synchronized Task task(int tid) {
        return tasks.get(tid);
    }

    /** The futex wait queues. Kernel lock held. */
    public Futexes futexes() {
        return futexes;
    }

    /** The big kernel lock (see {@link KernelLock}). */
    @Override
    public KernelLock lock() {
        return lock;
    }

    /** Every process, zombies included, by pid. Kernel lock held. */
    public Map<Integer, ThreadGroup> processes() {
        return new TreeMap<>(groups);
    }

    /** The process with pid {@code tgid}, zombie or not, or null. Kernel lock held. */
    public ThreadGroup process(int tgid) {
        return groups.get(tgid);
    }

    /** The last pid handed out (the fifth field of /proc/loadavg). */
    public synchronized int lastPid() {
        return nextTid - 1;
    }

    /** A new inode number for an anonymous object (a pipe). Kernel lock held. */
    public long nextAnonInode() {
        return nextAnonInode++;
    }

    public int maxTasks() {
        return maxTasks;
    }

    /** Sets the task limit (fork fails with EAGAIN once this many processes exist, zombies included). */
    public void setMaxTasks(int n) {
        this.maxTasks = Math.max(1, n);
    }

    /**
     * A free pid, as alloc_pid: the next one after the last handed out, wrapping below
     * {@link #PID_MAX}, skipping any that a process, process group or session still uses.
     * -1 if none is free. Kernel lock held.
     */
    int allocatePid() {
        for (int tries = 0; tries < PID_MAX; tries++) {
            int pid = nextTid;
            nextTid = nextTid + 1 >= PID_MAX ? 2 : nextTid + 1;
            if (!groups.containsKey(pid) && !tasks.containsKey(pid) && !pidUsedAsGroup(pid)) return pid;
        }
        return -1;
    }

    private boolean pidUsedAsGroup(int pid) {
        for (ThreadGroup g : groups.values()) {
            if (g.pgid == pid || g.sid == pid) return true;
        }
        return false;
    }

    /**
     * Null if the process tree of a loaded kernel is sound, else what is wrong (a restore refuses
     * the image): each live task leads its own live process, the pid table holds each process
     * under its pid, parents and children point at each other, every process but init has a
     * parent, and no parent chain loops.
     */
    public String checkProcessTree() {
        return ProcessTreeCheck.check(tasks, groups);
    }

    /** Adds a new task (and its process) to the tables. Kernel lock held. */
    void register(Task t) {
        groups.put(t.tgid, t.group);
        synchronized (this) {
            tasks.put(t.tid, t);
        }
    }

    /** Removes an exited task from the live tasks; a freeze waits for fewer tasks now. */
    void unregister(Task t) {
        synchronized (this) {
            tasks.remove(t.tid);
            if (tasks.isEmpty()) {
                timers.shutdown(); // the last task is gone: so is every timer's target
                closeSpareStubs(); // and whoever would fork
            }
            notifyAll();
        }
    }

    /** The stubs of exited processes kept for forks (see {@link StubPool}). */
    synchronized StubPool stubPool() {
        if (stubPool == null) stubPool = new StubPool();
        return stubPool;
    }

    /** Closes the stubs kept for forks: the sandbox is closing or has no task left. */
    public void closeSpareStubs() {
        stubPool().close();
    }

    /** Starts a forked process's task (see {@link TaskStart#forked}). Kernel lock held. */
    void startForked(Task t) {
        TaskStart.forked(this, t);
    }

    /** Starts a new process's task on a new platform thread (see {@link TaskStart#process}). */
    void startThread(Task t) {
        TaskStart.process(this, t);
    }

    /** Starts a new thread of an existing address space (see {@link TaskStart#thread}). */
    void startThreadOf(Task t, AddressSpace as) {
        TaskStart.thread(this, t, as);
    }

    /**
     * Starts every restored process but {@code init}'s (which the caller runs on its own
     * thread), each on its own thread with a new stub. Zombies have no task to run.
     */
    public void startRestoredTasks(Task init) {
        lock.lock();
        try {
            for (ThreadGroup g : processes().values()) {
                if (g != init.group && !g.tasks.isEmpty()) startThread(g.tasks.get(0));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Live tasks and zombies: what the task limit counts. Kernel lock held. */
    int taskCount() {
        int n = groups.size();
        for (ThreadGroup g : groups.values()) n += Math.max(0, g.tasks.size() - 1);
        return n;
    }

    /**
     * Waits until every thread of {@code g} has ended, or a checkpoint stopped the sandbox;
     * returns the process's wait status, or -1 for the stop.
     */
    public int awaitProcessExit(ThreadGroup g) {
        lock.lock();
        try {
            while (!g.zombie) {
                if (stopped()) return -1;
                try {
                    lock.awaitNanos(100_000_000L, dev.cryo.sentry.abi.Errno.EINTR); // a stop does not wake
                } catch (RuntimeException e) {
                    Thread.interrupted(); // only this thread's own wait: look again
                }
            }
            return g.waitStatus;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code millis} for every task to have exited (after init's exit killed them). */
    public synchronized boolean awaitNoTasks(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!tasks.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            try {
                wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * The tasks without the Kernel's monitor, for code that holds the signal lock (which comes
     * after it in the lock order): a snapshot that may miss a task being created or reaped.
     */
    Iterable<Task> tasksUnsafe() {
        while (true) {
            try {
                return new java.util.ArrayList<>(tasks.values());
            } catch (RuntimeException e) {
                // the table changed under the copy: copy again
            }
        }
    }

    /**
     * Creates the sandbox's first process (pid 1) from the executable at {@code path}, on the
     * calling thread, which must then call {@link Task#run()}. {@code path} must be absolute;
     * {@code stdio} installs descriptors 0-2.
     */
    public Task startInit(String path, List<String> argv, List<String> envp, String cwd,
            java.util.function.Consumer<FdTable> stdio) {
        return TaskStart.init(this, path, argv, envp, cwd, stdio, Credentials.root());
    }

    /** As {@link #startInit(String, List, List, String, java.util.function.Consumer)}, running as {@code creds}. */
    public Task startInit(String path, List<String> argv, List<String> envp, String cwd,
            java.util.function.Consumer<FdTable> stdio, Credentials creds) {
        return TaskStart.init(this, path, argv, envp, cwd, stdio, creds);
    }

    // ---- freezing: every task parks at its next boundary (DESIGN.md rule 4)

    /**
     * Runs {@code action} right after the {@code n}th system call from now (for tests that
     * checkpoint a program at a reproducible point: the action should checkpoint from another
     * thread, so that the task parks at its next boundary).
     */
    public void afterSyscalls(long n, Runnable action) {
        this.onCountdown = action;
        this.countdown = n;
    }

    /** Counts one served system call against {@link #afterSyscalls}. */
    void countSyscall() {
        if (countdown > 0 && --countdown == 0) onCountdown.run();
    }

    /**
     * Whether the sandbox was checkpointed and stopped: a task that had not started when the
     * freeze counted it as frozen (a restored task whose thread was still being made, a child
     * just forked) must end when it starts, not run on. Read by each task's loop.
     */
    boolean stopped() {
        return stopRequested;
    }

    /** Whether tasks must park at their next boundary. Read by each task's loop. */
    boolean freezeRequested() {
        return freezeRequested;
    }

    /**
     * Freezes every task and waits until all are parked: each stops at its next syscall
     * boundary, or is interrupted (its stub stopped, a blocking syscall made to restart).
     * Nests: each freeze needs a {@link #thaw}. Fails, thawed, if a task does not park within
     * {@code timeoutMillis} (one blocked in a host call that cannot be interrupted).
     */
    public synchronized void freeze(long timeoutMillis) {
        requestFreeze();
        for (Task t : tasks.values()) t.interrupt();
        awaitFrozen(timeoutMillis);
    }

    /**
     * Asks every task to park at its next boundary, without interrupting or waiting: for the
     * task's own thread at a syscall boundary (a save point), which then parks before it runs
     * another instruction. Pair with {@link #awaitFrozen} on another thread.
     */
    public synchronized void requestFreeze() {
        freezeDepth++;
        freezeRequested = true;
        // The other tasks may be blocked (in wait4, on a pipe) or running: make them stop too.
        for (Task t : tasks.values()) {
            if (t.thread != Thread.currentThread()) t.interrupt();
        }
    }

    /** Waits until every task has parked after {@link #requestFreeze}; on failure, thaws once. */
    public synchronized void awaitFrozen(long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (frozen + notStarted() < tasks.size()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                thaw();
                throw new IllegalStateException("a task did not stop within " + timeoutMillis + " ms");
            }
            try {
                wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                thaw();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while freezing");
            }
        }
        savedUptime = uptimeNanos();
    }

    /** Tasks that never ran: they are at their first instruction, as frozen as can be. guarded by this */
    private int notStarted() {
        int n = 0;
        for (Task t : tasks.values()) if (t.thread == null) n++;
        return n;
    }

    /** Undoes one {@link #freeze}; the last one lets the tasks run on. */
    public synchronized void thaw() {
        if (freezeDepth == 0) return;
        if (--freezeDepth == 0) {
            freezeRequested = false;
            notifyAll();
            Task init = tasks.isEmpty() ? null : tasks.firstEntry().getValue();
            if (init != null) for (SigInfo info : deferredKills) sendToThreadGroup(init, info);
            deferredKills.clear();
        }
    }

    /** Ends every frozen task without running it again (the sandbox was checkpointed and stops). */
    public synchronized void stopFrozen() {
        stopRequested = true;
        freezeDepth = 0;
        freezeRequested = false;
        notifyAll();
    }

    /**
     * Called by a task's own thread when {@link #freezeRequested}: saves what only that thread
     * can read (the FP state, through ptrace), then waits until thawed. Returns true if the
     * sandbox is to stop instead of running on.
     */
    boolean park(Task t) {
        t.fpState = t.context.fpState();
        t.cpuBefore = t.cpuTimeNanos();
        synchronized (this) {
            frozen++;
            notifyAll();
            while (freezeRequested && !stopRequested) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // A freeze's own interrupt; keep waiting for the thaw.
                }
            }
            frozen--;
            Thread.interrupted(); // the freeze's interrupt must not cut a later sleep short
            return stopRequested;
        }
    }

    // ---- signals: the API the rest of the Sentry uses (kernel/signal.c)

    /**
     * Sends {@code sig} from outside the sandbox (cryo kill) to its first process, as the host's
     * kill(2) would. While the sandbox is frozen the signal waits for the thaw (a checkpoint's
     * image never changes under it); if the sandbox stops after a checkpoint, it is lost with it.
     */
    public synchronized void kill(int sig) {
        SigInfo info = SigInfo.user(sig, SigInfo.SI_USER, 0, 0);
        if (freezeRequested) {
            deferredKills.add(info);
            return;
        }
        Task init = tasks.isEmpty() ? null : tasks.firstEntry().getValue();
        if (init != null) sendToThreadGroup(init, info);
    }

    /**
     * Sends a signal to one thread (tkill, tgkill, faults of another thread, SIGEV_THREAD_ID).
     * Returns false if a queued real-time signal was refused (RLIMIT_SIGPENDING: EAGAIN).
     * Must not be called with the signal lock held.
     */
    public boolean sendSignal(Task target, SigInfo info) {
        return Signalling.send(target, info, false);
    }

    /** Sends a signal to the process {@code anyThread} belongs to (kill, SIGCHLD, timers); see {@link #sendSignal}. */
    public boolean sendToThreadGroup(Task anyThread, SigInfo info) {
        return Signalling.send(anyThread, info, true);
    }

    /** The timer service: arming code calls {@link TimerService#wake}. */
    TimerService timers() {
        return timers;
    }
}
