package dev.cryo.platform;

/**
 * Runs application code on behalf of the Sentry: makes {@link AddressSpace}s (which hold the
 * application's view of the memory file) and, through them, {@link Context}s (which run a task's
 * registers until the next syscall, fault or signal). The Sentry uses only these interfaces and
 * never learns which mechanism (ptrace, seccomp trap, KVM) is underneath.
 */
public interface Platform {
    /** A short name for messages and benchmarks, e.g. "ptrace". */
    String name();

    /** Lowest address the application may map. */
    long minUserAddress();

    /** One past the highest address the application may map; the platform keeps what is above. */
    long maxUserAddress();

    /**
     * Makes an empty address space whose mappings come from {@code memoryFd} (the Sentry's memory
     * file). Platforms that bind a tracee to one OS thread (ptrace) bind it to the calling thread:
     * every later call on the address space and its contexts must come from that thread.
     */
    AddressSpace newAddressSpace(int memoryFd);
}
