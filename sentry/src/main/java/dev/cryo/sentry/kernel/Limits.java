package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;

/**
 * Resource limits (getrlimit(2)): soft and hard value per resource, Linux's numbering
 * (include/uapi/asm-generic/resource.h). {@link #INFINITY} is RLIM_INFINITY.
 */
@Savable
public final class Limits {
    public static final long INFINITY = -1L;
    public static final int CPU = 0, FSIZE = 1, DATA = 2, STACK = 3, CORE = 4, RSS = 5, NPROC = 6,
            NOFILE = 7, MEMLOCK = 8, AS = 9, LOCKS = 10, SIGPENDING = 11, MSGQUEUE = 12, NICE = 13,
            RTPRIO = 14, RTTIME = 15, COUNT = 16;

    final long[] soft = new long[COUNT];
    final long[] hard = new long[COUNT];

    /** The defaults a process gets under Docker/runsc on Linux. */
    public Limits() {
        java.util.Arrays.fill(soft, INFINITY);
        java.util.Arrays.fill(hard, INFINITY);
        set(STACK, 8 << 20, INFINITY);
        set(CORE, 0, INFINITY);
        set(NPROC, 4096, 4096);
        set(NOFILE, 1024, 524288);
        set(MEMLOCK, 8 << 20, 8 << 20);
        set(SIGPENDING, 4096, 4096);
        set(MSGQUEUE, 819200, 819200);
        set(NICE, 0, 0);
        set(RTPRIO, 0, 0);
    }

    /** A copy for a child process (fork copies the limits, as signal_struct's rlim). */
    public Limits copy() {
        Limits c = new Limits();
        System.arraycopy(soft, 0, c.soft, 0, COUNT);
        System.arraycopy(hard, 0, c.hard, 0, COUNT);
        return c;
    }

    public long soft(int resource) {
        return soft[resource];
    }

    public long hard(int resource) {
        return hard[resource];
    }

    public void set(int resource, long softValue, long hardValue) {
        soft[resource] = softValue;
        hard[resource] = hardValue;
    }
}
