package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysTime {
    private SysTime() {}

    static void register(SyscallTable t) {}
}
