package dev.cryo.sentry.sync;

/**
 * What timer files below the kernel need of it (the kernel implements it): the big lock they
 * wait on and the sandbox's monotonic clock, which goes on across a checkpoint from where it
 * was (the host's does not).
 */
public interface SandboxClock {
    KernelLock lock();

    /** Nanoseconds since the sandbox booted (its CLOCK_MONOTONIC and CLOCK_BOOTTIME). */
    long uptimeNanos();
}
