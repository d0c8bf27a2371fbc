package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysLimits {
    private SysLimits() {}

    static void register(SyscallTable t) {}
}
