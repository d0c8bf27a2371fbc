package dev.cryo.platform.ptrace;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.PlatformException;
import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One stub process. The memory file is its descriptor {@link #MEMORY_FD}; the Sentry maps ranges
 * of it by making the stub run mmap/munmap/mprotect (see {@link Tracee#inject}).
 *
 * <p>Each thread of the application is a thread of the stub with its own tracer (ptrace binds a
 * tracee to the OS thread that attached it). Any tracer may change the mappings, through its own
 * stub thread: they share one memory map. Map, unmap, protect and {@link #cloneThread} therefore
 * run on the calling thread's stub thread, which must not be running application code (it is
 * the caller's own, stopped while its task is in the Sentry).
 */
final class PtraceAddressSpace implements AddressSpace {
    /** The memory file's descriptor number inside the stub. */
    static final int MEMORY_FD = 3;

    private static final int SYS_MMAP = 9, SYS_MPROTECT = 10, SYS_MUNMAP = 11;
    private static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
    private static final int PROT_READ = 1;
    private static final int TABLE_SIZE = StubImage.TABLE_ENTRIES * StubImage.ENTRY_SIZE;
    private static final int O_RDWR = 2, O_CLOEXEC = 0x80000;

    private static final int SYS_CLONE = 56;
    /** A stub thread: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM, and CLONE_UNTRACED so no tracer follows it. */
    private static final long THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x00800000;

    private final Tracee tracee;
    private final int pid;
    private final int cpu;
    /** The live contexts by tracer thread: whose stub thread runs a map or clone for the caller. */
    private final Map<Thread, PtraceContext> owners = new ConcurrentHashMap<>();
    private final PtraceContext main;
    private boolean closed;
    /** Whether batches work: the table is mapped and /proc/PID/mem writes it. */
    private boolean batches;
    /** The stub's /proc/PID/mem, opened with the first batch; -1 before. */
    private int memFd = -1;

    PtraceAddressSpace(int memoryFd, int cpu) {
        this.cpu = cpu;
        try {
            Host.pinCurrentThread(cpu);
        } catch (HostException e) {
            // Not fatal: only slower. Some container runtimes forbid changing affinity.
        }
        int pid;
        try {
            pid = Host.spawn(StubImage.path(), memoryFd, MEMORY_FD);
        } catch (HostException e) {
            throw new PlatformException("cannot start stub process: " + e.getMessage(), e);
        }
        try {
            Host.ptrace(Ptrace.SEIZE, pid, 0, Ptrace.O_TRACESYSGOOD | Ptrace.O_EXITKILL);
            Host.ptrace(Ptrace.INTERRUPT, pid, 0, 0);
        } catch (HostException e) {
            Host.kill(pid, Ptrace.SIGKILL);
            Host.waitpid(pid, 0, Ptrace.WALL);
            throw new PlatformException("ptrace is not permitted on this host (" + e.getMessage()
                    + "); check kernel.yama.ptrace_scope and the container's seccomp profile", e);
        }
        this.pid = pid;
        this.tracee = new Tracee(pid, pid);
        int status = tracee.waitStop();
        if (!Ptrace.stopped(status) || Ptrace.event(status) != Ptrace.EVENT_STOP) {
            tracee.kill(true);
            throw new PlatformException("stub did not stop as expected: " + Ptrace.describe(status));
        }
        // Leave nothing of the host in the stub but its own page: the host stack, vDSO and vvar
        // would otherwise sit where the application may want to map.
        tracee.inject(SYS_MUNMAP, 0, StubImage.BASE, 0, 0, 0, 0);
        long end = StubImage.BASE + StubImage.SIZE;
        tracee.inject(SYS_MUNMAP, end, PtracePlatform.TASK_SIZE - end, 0, 0, 0, 0);
        // The batch table: read-only to the stub's own threads (see StubImage.TABLE).
        long table = tracee.inject(SYS_MMAP, StubImage.TABLE, TABLE_SIZE, PROT_READ,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        this.batches = table == StubImage.TABLE;
        this.main = new PtraceContext(tracee, this);
        owners.put(Thread.currentThread(), main);
    }

    /** The calling thread's stub thread, through which it changes the shared memory map. */
    private Tracee mine() {
        PtraceContext c = owners.get(Thread.currentThread());
        if (c == null) throw new PlatformException("thread " + Thread.currentThread().getName() + " owns no stub thread of " + pid);
        return c.tracee();
    }

    @Override
    public long cloneThread() {
        long r = mine().inject(StubImage.CLONE_INSN, StubImage.AFTER_CLONE_INT3, SYS_CLONE, THREAD_FLAGS, 0, 0, 0, 0, 0);
        if (r <= 0) throw new PlatformException("stub clone failed: " + r);
        return r;
    }

    @Override
    public Context adoptThread(long handle) {
        int tid = (int) handle;
        try {
            Host.pinCurrentThread(cpu);
        } catch (HostException e) {
            // Not fatal: only slower.
        }
        Tracee t = new Tracee(pid, tid);
        try {
            Host.ptrace(Ptrace.SEIZE, tid, 0, Ptrace.O_TRACESYSGOOD | Ptrace.O_EXITKILL);
            Host.ptrace(Ptrace.INTERRUPT, tid, 0, 0);
        } catch (HostException e) {
            throw new PlatformException("cannot seize stub thread " + tid + ": " + e.getMessage(), e);
        }
        int status = t.waitStop();
        if (!Ptrace.stopped(status) || Ptrace.event(status) != Ptrace.EVENT_STOP) {
            throw new PlatformException("stub thread did not stop as expected: " + Ptrace.describe(status));
        }
        PtraceContext c = new PtraceContext(t, this);
        owners.put(Thread.currentThread(), c);
        return c;
    }

    /** A context's thread ended: its tracer no longer speaks for the address space. */
    void released(PtraceContext c) {
        owners.remove(Thread.currentThread(), c);
    }

    @Override
    public void map(long addr, long len, int prot, long fileOffset) {
        long r = mine().inject(SYS_MMAP, addr, len, prot, MAP_SHARED | MAP_FIXED, MEMORY_FD, fileOffset);
        if (r != addr) {
            throw new PlatformException("stub mmap(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
        }
    }

    /**
     * The ranges in one stop of the calling thread's stub per table's worth (~10 µs each
     * otherwise, or a ~40 µs fault each when touched): the entries are written to the stub's
     * read-only table through /proc/PID/mem, which may write there as the tracer (FOLL_FORCE).
     * Where the host refuses that, each range is mapped on its own.
     */
    @Override
    public synchronized void map(List<Mapping> ranges) {
        int from = 0;
        while (from < ranges.size() && batches && !closed) {
            int n = Math.min(StubImage.TABLE_ENTRIES, ranges.size() - from);
            if (!writeTable(ranges.subList(from, from + n))) break;
            long[] result = new long[1];
            int failed = mine().batch(n, result);
            if (failed >= 0) {
                Mapping m = ranges.get(from + failed);
                throw new PlatformException("stub mmap(" + Long.toHexString(m.addr()) + ", " + m.len() + ") failed: " + result[0]);
            }
            from += n;
        }
        for (Mapping m : ranges.subList(from, ranges.size())) map(m.addr(), m.len(), m.prot(), m.fileOffset());
    }

    /** Writes mmap entries for {@code ranges} into the table; false (and no more batches) if the host refuses. */
    private boolean writeTable(List<Mapping> ranges) {
        int len = ranges.size() * StubImage.ENTRY_SIZE;
        long buf = Host.allocate(len);
        try {
            if (memFd < 0) memFd = Host.openat(-100 /* AT_FDCWD */, "/proc/" + pid + "/mem", O_RDWR | O_CLOEXEC, 0);
            long e = buf;
            for (Mapping m : ranges) {
                Host.putLongs(e, new long[] {SYS_MMAP, m.addr(), m.len(), m.prot(), MAP_SHARED | MAP_FIXED, MEMORY_FD,
                        m.fileOffset(), m.addr()}, 0, 8);
                e += StubImage.ENTRY_SIZE;
            }
            if (Host.pwrite(memFd, buf, len, StubImage.TABLE) == len) return true;
        } catch (HostException e) {
            // EPERM/EIO: a host that forbids forced writes through /proc/PID/mem (proc_mem.force_override).
        } finally {
            Host.free(buf);
        }
        batches = false;
        return false;
    }

    @Override
    public void unmap(long addr, long len) {
        long r = mine().inject(SYS_MUNMAP, addr, len, 0, 0, 0, 0);
        if (r != 0) {
            throw new PlatformException("stub munmap(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
        }
    }

    @Override
    public void protect(long addr, long len, int prot) {
        long r = mine().inject(SYS_MPROTECT, addr, len, prot, 0, 0, 0);
        // ENOMEM: part of the range is not mapped in the stub yet, which is fine: it is mapped
        // with the new protection when first touched. mprotect has still changed the rest.
        if (r != 0 && r != -12) {
            throw new PlatformException("stub mprotect(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
        }
    }

    @Override
    public Context mainContext() {
        return main;
    }

    /**
     * The stub holds nothing of its last process once the application range is unmapped: the
     * application cannot make host system calls (SYSEMU), so its only host state is what the
     * Sentry injected (mappings, threads), and the stub's own page is outside its reach.
     */
    @Override
    public synchronized Context reset() {
        if (closed || owners.size() != 1 || owners.get(Thread.currentThread()) != main) return null;
        try {
            unmap(PtracePlatform.MIN_USER_ADDRESS, StubImage.BASE - PtracePlatform.MIN_USER_ADDRESS);
        } catch (RuntimeException e) {
            return null;
        }
        return main;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (memFd >= 0) {
                Host.close(memFd);
                memFd = -1;
            }
            PtraceContext c = owners.remove(Thread.currentThread());
            if (c != null) {
                c.tracee().kill(true);
            } else {
                // Not a tracer of it (a sandbox torn down from outside): the tracers' next waits
                // see the deaths. Every thread dies with the process, released ones included.
                try {
                    Host.kill(pid, Ptrace.SIGKILL);
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        }
    }

    /** The stub's host pid, for diagnostics and tests. */
    int pid() {
        return tracee.pid;
    }
}
