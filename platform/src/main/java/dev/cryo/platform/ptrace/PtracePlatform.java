package dev.cryo.platform.ptrace;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Platform;
import dev.cryo.platform.PlatformException;
import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ptrace platform: each address space is a stub process, seized with PTRACE_SEIZE and run
 * with PTRACE_SYSEMU so that its system calls stop before the host executes them. Mirrors
 * gVisor's pkg/sentry/platform/ptrace.
 *
 * <p>Ptrace requests for a tracee must come from the one OS thread that attached it, so the
 * thread that calls {@link #newAddressSpace} becomes the tracer, and is pinned to one CPU
 * together with its stub (FIELD-NOTES: a cross-CPU round trip costs ~5x more).
 */
public final class PtracePlatform implements Platform {
    /** Highest user address plus one on x86-64 with 4-level paging (TASK_SIZE_MAX). */
    static final long TASK_SIZE = 0x7ffffffff000L;

    private final int[] cpus;
    private final AtomicInteger nextCpu = new AtomicInteger();

    private PtracePlatform(int[] cpus) {
        this.cpus = cpus;
    }

    /**
     * Probes that this host lets us trace a stub process and fails closed with a clear message
     * if it does not (no ptrace under a seccomp'ed container, Yama scope 3, ...).
     */
    public static PtracePlatform create() {
        int[] cpus;
        try {
            cpus = Host.processCpus(); // not the calling thread's: a tracer thread has one
        } catch (HostException e) {
            throw new PlatformException("cannot read CPU affinity: " + e.getMessage(), e);
        }
        return new PtracePlatform(cpus.length == 0 ? new int[] {0} : cpus);
    }

    @Override
    public String name() {
        return "ptrace";
    }

    @Override
    public long minUserAddress() {
        return MIN_USER_ADDRESS;
    }

    /** mmap_min_addr's usual value. */
    static final long MIN_USER_ADDRESS = 0x10000;

    @Override
    public long maxUserAddress() {
        return StubImage.BASE;
    }

    @Override
    public AddressSpace newAddressSpace(int memoryFd) {
        int cpu = cpus[Math.floorMod(nextCpu.getAndIncrement(), cpus.length)];
        return new PtraceAddressSpace(memoryFd, cpu);
    }
}
