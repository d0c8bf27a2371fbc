package dev.cryo.platform.ptrace;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.PlatformException;
import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;

/**
 * One stub process. The memory file is its descriptor {@link #MEMORY_FD}; the Sentry maps ranges
 * of it by making the stub run mmap/munmap/mprotect (see {@link Tracee#inject}).
 *
 * <p>Owned by the thread that created it (the tracer): every method but {@link #close} must be
 * called on that thread.
 */
final class PtraceAddressSpace implements AddressSpace {
    /** The memory file's descriptor number inside the stub. */
    static final int MEMORY_FD = 3;

    private static final int SYS_MMAP = 9, SYS_MPROTECT = 10, SYS_MUNMAP = 11;
    private static final int MAP_SHARED = 0x01, MAP_FIXED = 0x10;

    private final Tracee tracee;
    /** The tracer thread: the only one whose ptrace and wait requests the host accepts. */
    private final Thread owner = Thread.currentThread();
    private final PtraceContext main;
    private boolean closed;

    PtraceAddressSpace(int memoryFd, int cpu) {
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
        this.main = new PtraceContext(tracee);
    }

    @Override
    public void map(long addr, long len, int prot, long fileOffset) {
        long r = tracee.inject(SYS_MMAP, addr, len, prot, MAP_SHARED | MAP_FIXED, MEMORY_FD, fileOffset);
        if (r != addr) {
            throw new PlatformException("stub mmap(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
        }
    }

    @Override
    public void unmap(long addr, long len) {
        long r = tracee.inject(SYS_MUNMAP, addr, len, 0, 0, 0, 0);
        if (r != 0) {
            throw new PlatformException("stub munmap(" + Long.toHexString(addr) + ", " + len + ") failed: " + r);
        }
    }

    @Override
    public void protect(long addr, long len, int prot) {
        long r = tracee.inject(SYS_MPROTECT, addr, len, prot, 0, 0, 0);
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

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tracee.kill(Thread.currentThread() == owner);
        }
    }

    /** The stub's host pid, for diagnostics and tests. */
    int pid() {
        return tracee.pid;
    }
}
