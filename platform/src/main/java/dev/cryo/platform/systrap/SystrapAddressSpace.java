package dev.cryo.platform.systrap;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.PlatformException;
import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One systrap stub process: the memory file is its descriptor 3, the context region (a memfd the
 * Sentry maps too) its descriptor 4, mapped at {@link StubImage#CTX}. Mappings are changed by a
 * stub thread parked in its handler, on the calling thread's behalf: the Sentry thread that owns
 * a context, while its task is in the Sentry.
 */
final class SystrapAddressSpace implements AddressSpace {
    static final int MEMORY_FD = 3, CTX_FD = 4;
    private static final int SYS_MMAP = 9, SYS_MPROTECT = 10, SYS_MUNMAP = 11, SYS_RT_SIGACTION = 13,
            SYS_RT_SIGPROCMASK = 14, SYS_CLONE = 56, SYS_EXIT = 60, SYS_SIGALTSTACK = 131, SYS_PRCTL = 157,
            SYS_SECCOMP = 317;
    private static final int MAP_SHARED = 0x01, MAP_FIXED = 0x10, PROT_RW = 3;
    /** CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM: a thread of the stub. */
    private static final long THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
    /** The signals whose handler is the stub's: SIGSYS (system calls), the faults, SIGUSR2 (interrupts). */
    static final int SIGSYS = 31, SIGUSR2 = 12;
    private static final int[] HANDLED = {SIGSYS, 11, 7, 8, 4, 5, SIGUSR2};
    private static final long REGION = (long) StubImage.MAX_THREADS * Block.SIZE;

    final int pid;
    private final int ctxFd;
    private final long region;
    /** A struct timespec of 200 ms: how long a wait sleeps before checking the stub is alive. */
    final long timeout;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    /** Blocks ever handed out (block 0 included): the ones to mark dead at close. */
    private final java.util.BitSet used = new java.util.BitSet();
    /** Blocks of threads that were told to exit, with their tids: reused once the thread is gone. */
    private final Map<Integer, Integer> exiting = new ConcurrentHashMap<>();
    private final Map<Thread, SystrapContext> owners = new ConcurrentHashMap<>();
    /** Held (shared) while a context waits on its block; taken whole to unmap the region. */
    final ReentrantReadWriteLock regionLock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final SystrapContext main;

    /**
     * Nothing is pinned, unlike the ptrace platform's stubs: a stub thread and the Sentry thread
     * that runs it hand over fastest on two CPUs, each watching for the other (pinned to one CPU
     * together, every hand-off was a context switch: a getpid cost 8-11 µs against 3).
     */
    SystrapAddressSpace(int memoryFd) {
        ctxFd = Host.memfdCreate("cryo-systrap-ctx", 0x0001);
        long mapped = 0, ts = 0;
        int child = -1;
        try {
            Host.ftruncate(ctxFd, REGION);
            mapped = Host.mmap(0, REGION, PROT_RW, MAP_SHARED, ctxFd, 0);
            ts = Host.allocate(16);
            Host.putLong(ts, 0);
            Host.putLong(ts + 8, 200_000_000L);
            child = spawn(memoryFd, ctxFd);
            setUp(child, new Block(0, mapped, StubImage.CTX));
        } catch (RuntimeException e) {
            if (child > 0) {
                Host.kill(child, 9);
                reap(child);
            }
            if (mapped != 0) Host.munmap(mapped, REGION);
            if (ts != 0) Host.free(ts);
            Host.close(ctxFd);
            throw e instanceof PlatformException ? e : new PlatformException("cannot start systrap stub: " + e.getMessage(), e);
        }
        this.pid = child;
        this.region = mapped;
        this.timeout = ts;
        for (int i = 1; i < StubImage.MAX_THREADS; i++) free.add(i);
        Block b0 = block(0);
        if (b0.await(0, timeout, () -> alive(pid)) != Block.SENTRY || !parked(b0)) {
            close();
            throw new PlatformException("systrap stub did not start");
        }
        main = new SystrapContext(this, b0, pid);
        owners.put(Thread.currentThread(), main);
    }

    /**
     * Spawns a stub from one thread that lives as long as the JVM: a stub is not traced once it
     * runs, so nothing kills it with the Sentry but its parent-death signal, which Linux sends
     * when the thread that spawned it ends, not the process.
     */
    private static int spawn(int memoryFd, int ctxFd) {
        java.util.concurrent.Future<Integer> f = SPAWNER.submit(
                () -> Host.spawn(StubImage.path(), new int[] {memoryFd, ctxFd}, new int[] {MEMORY_FD, CTX_FD}));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the spawn runs on: wait for it, or its stub is lost
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new PlatformException("stub spawn failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static final java.util.concurrent.ExecutorService SPAWNER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cryo-systrap-spawner");
        t.setDaemon(true);
        return t;
    });

    /** Injects the stub's set-up: its address space emptied, the region, handlers, filter. */
    private static void setUp(int pid, Block b0) {
        try (Setup s = new Setup(pid)) {
            long end = StubImage.BASE + StubImage.SIZE;
            s.check("munmap", s.call(SYS_MUNMAP, 0, StubImage.BASE, 0, 0, 0));
            s.check("munmap", s.call(SYS_MUNMAP, end, SystrapPlatform.TASK_SIZE - end, 0, 0, 0));
            if (s.call(SYS_MMAP, StubImage.CTX, REGION, PROT_RW, MAP_SHARED | MAP_FIXED, CTX_FD) != StubImage.CTX) {
                throw new PlatformException("systrap stub set-up: cannot map its context region");
            }
            long scratch = b0.here + Block.SCRATCH, there = b0.there + Block.SCRATCH;
            Host.putLong(scratch, b0.there + Block.STACK); // stack_t
            Host.putLong(scratch + 8, 0);
            Host.putLong(scratch + 16, Block.SIZE - Block.STACK);
            s.check("sigaltstack", s.call(SYS_SIGALTSTACK, there, 0, 0, 0, 0));
            Host.putLong(scratch, StubCode.HANDLER); // struct sigaction, every signal blocked in the handler
            Host.putLong(scratch + 8, 0x4 | 0x08000000 | 0x04000000); // SA_SIGINFO | SA_ONSTACK | SA_RESTORER
            Host.putLong(scratch + 16, StubCode.RESTORER);
            Host.putLong(scratch + 24, -1L);
            for (int sig : HANDLED) s.check("rt_sigaction", s.call(SYS_RT_SIGACTION, sig, there, 0, 8, 0));
            Host.putLong(scratch, 0);
            s.check("rt_sigprocmask", s.call(SYS_RT_SIGPROCMASK, 2 /* SIG_SETMASK */, there, 0, 8, 0));
            Host.putLong(b0.here + Block.PPID, Host.getpid());
            Host.putLong(b0.here + Block.TIMEOUT, 1);
            Host.putLong(b0.here + Block.TIMEOUT + 8, 0);
            s.check("prctl(PR_SET_NO_NEW_PRIVS)", s.call(SYS_PRCTL, 38, 1, 0, 0, 0));
            s.check("prctl(PR_SET_PDEATHSIG)", s.call(SYS_PRCTL, 1, 9 /* SIGKILL */, 0, 0, 0));
            byte[] prog = Filter.program(StubImage.BASE, StubImage.SIZE);
            Host.putBytes(scratch + 64, prog, 0, prog.length);
            Host.putLong(scratch, prog.length / 8); // struct sock_fprog: u16 len, then the pointer
            Host.putLong(scratch + 8, there + 64);
            s.check("seccomp", s.call(SYS_SECCOMP, 1 /* SECCOMP_SET_MODE_FILTER */, 0, there, 0, 0));
            Host.zero(scratch, 64 + prog.length);
            s.release(StubCode.PARK, b0.there + Block.STACK);
        }
    }

    /** Whether {@code b}'s thread is parked where a new thread parks (its first report). */
    private static boolean parked(Block b) {
        return Host.getInt(b.here + Block.SIG) == 4 /* SIGILL */
                && Host.getLong(b.here + Block.GREGS + 8 * SystrapContext.REG_RIP) == StubCode.PARK;
    }

    Block block(int i) {
        return new Block(i, region, StubImage.CTX);
    }

    boolean closed() {
        return closed;
    }

    /**
     * Whether stub thread {@code tid} still runs (a zombie counts as gone). Its own entry under
     * /proc/PID/task: a process whose first thread exited while others run on shows that thread
     * as a zombie.
     */
    boolean alive(int tid) {
        if (closed) return false;
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/task/" + tid + "/stat"));
            int close = s.lastIndexOf(')');
            return close > 0 && s.length() > close + 2 && s.charAt(close + 2) != 'Z' && s.charAt(close + 2) != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Makes {@code b}'s parked thread execute a system call; returns its raw result. */
    long call(Block b, int tid, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        regionLock.readLock().lock();
        try {
            if (closed) throw new PlatformException("systrap stub " + pid + " is closed");
            long at = b.here + Block.CALLNR;
            Host.putLongs(at, new long[] {nr, a0, a1, a2, a3, a4, a5}, 0, 7);
            b.handOver(Block.CALL);
            if (nr == SYS_EXIT) return 0;
            int s = b.await(Block.CALL, timeout, () -> alive(tid));
            if (s != Block.SENTRY) throw new PlatformException("systrap stub " + pid + " died");
            return Host.getLong(b.here + Block.RESULT);
        } finally {
            regionLock.readLock().unlock();
        }
    }

    private SystrapContext mine() {
        SystrapContext c = owners.get(Thread.currentThread());
        if (c == null) throw new PlatformException("thread " + Thread.currentThread().getName() + " owns no thread of stub " + pid);
        return c;
    }

    private long call(SystrapContext c, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return call(c.block, c.tid, nr, a0, a1, a2, a3, a4, a5);
    }

    @Override
    public void map(long addr, long len, int prot, long fileOffset) {
        long r = call(mine(), SYS_MMAP, addr, len, prot, MAP_SHARED | MAP_FIXED, MEMORY_FD, fileOffset);
        if (r != addr) throw new PlatformException("stub mmap(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
    }

    @Override
    public void unmap(long addr, long len) {
        long r = call(mine(), SYS_MUNMAP, addr, len, 0, 0, 0, 0);
        if (r != 0) throw new PlatformException("stub munmap(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
    }

    @Override
    public void protect(long addr, long len, int prot) {
        long r = call(mine(), SYS_MPROTECT, addr, len, prot, 0, 0, 0);
        // ENOMEM: part of the range is not mapped in the stub yet; it gets the new protection when mapped.
        if (r != 0 && r != -12) throw new PlatformException("stub mprotect(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
    }

    @Override
    public Context mainContext() {
        return main;
    }

    @Override
    public long cloneThread() {
        int index = takeBlock();
        Block nb = block(index);
        Host.putInt(nb.here + Block.STATE, 0);
        long tid = call(mine(), SYS_CLONE, THREAD_FLAGS, nb.there + Block.STACK, 0, 0, 0, 0);
        if (tid <= 0) {
            giveBack(index);
            throw new PlatformException("stub clone failed: " + tid);
        }
        return tid << 32 | index;
    }

    @Override
    public Context adoptThread(long handle) {
        int tid = (int) (handle >>> 32);
        Block b = block((int) handle);
        if (b.await(0, timeout, () -> alive(tid)) != Block.SENTRY || !parked(b)) {
            throw new PlatformException("systrap stub thread " + tid + " did not start");
        }
        SystrapContext c = new SystrapContext(this, b, tid);
        owners.put(Thread.currentThread(), c);
        return c;
    }

    private synchronized int takeBlock() {
        for (var it = exiting.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!threadAlive(e.getValue())) {
                free.add(e.getKey());
                it.remove();
            }
        }
        Integer i = free.poll();
        if (i == null) throw new PlatformException("systrap stub " + pid + " has no room for another thread");
        used.set(i);
        return i;
    }

    private synchronized void giveBack(int index) {
        free.add(index);
    }

    private boolean threadAlive(int tid) {
        try {
            Host.tgkill(pid, tid, 0);
            return true;
        } catch (HostException e) {
            return false;
        }
    }

    /** A context's task exited: its stub thread exits; its block is reused once the thread is gone. */
    void released(SystrapContext c) {
        owners.remove(Thread.currentThread(), c);
        if (closed) return;
        call(c, SYS_EXIT, 0, 0, 0, 0, 0, 0);
        if (c.block.index != 0) exiting.put(c.block.index, c.tid);
    }

    /**
     * The stub kept for another process (the Sentry's stub pool): every application mapping
     * removed, through the main thread's block. Only when the main thread is the only one the
     * Sentry runs and the caller owns it; threads told to exit are gone or going.
     */
    @Override
    public synchronized Context reset() {
        if (closed || owners.size() != 1 || owners.get(Thread.currentThread()) != main) return null;
        try {
            unmap(SystrapPlatform.MIN_USER_ADDRESS, StubImage.BASE - SystrapPlatform.MIN_USER_ADDRESS);
        } catch (RuntimeException e) {
            return null;
        }
        return main;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        try {
            Host.kill(pid, 9);
        } catch (RuntimeException e) {
            // gone already
        }
        reap(pid);
        synchronized (this) {
            used.set(0);
            for (int i = used.nextSetBit(0); i >= 0; i = used.nextSetBit(i + 1)) block(i).kill();
        }
        regionLock.writeLock().lock();
        try {
            Host.munmap(region, REGION);
            Host.close(ctxFd);
            Host.free(timeout);
        } finally {
            regionLock.writeLock().unlock();
        }
    }

    private static void reap(int pid) {
        try {
            Host.waitpid(pid, 0, 0x40000000 /* __WALL */);
        } catch (RuntimeException e) {
            // ECHILD: reaped already
        }
    }
}
