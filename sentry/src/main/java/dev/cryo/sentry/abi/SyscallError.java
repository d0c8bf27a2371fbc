package dev.cryo.sentry.abi;

/**
 * A syscall handler's way to fail: thrown with the guest errno, turned into {@code -errno} by the
 * dispatcher only. Instances are shared and carry no stack trace (errors are control flow here).
 */
public final class SyscallError extends RuntimeException {
    private static final SyscallError[] CACHE = new SyscallError[520];

    static {
        for (int i = 1; i < CACHE.length; i++) {
            CACHE[i] = new SyscallError(i);
        }
    }

    /**
     * ENOSYS that Linux itself answers (an operation it removed or never had, as futex's
     * FUTEX_FD): the caller gets ENOSYS, but it is not counted as a call the Sentry lacks.
     */
    public static final SyscallError LINUX_ENOSYS = new SyscallError(Errno.ENOSYS);

    private final int errno;

    private SyscallError(int errno) {
        super(null, null, false, false);
        this.errno = errno;
    }

    /** The error for {@code errno} (one of {@link Errno}'s values). */
    public static SyscallError of(int errno) {
        if (errno <= 0 || errno >= CACHE.length) throw new IllegalArgumentException("errno " + errno);
        return CACHE[errno];
    }

    public int errno() {
        return errno;
    }

    @Override
    public String getMessage() {
        return Errno.name(errno) + " (" + Errno.text(errno) + ")";
    }
}
