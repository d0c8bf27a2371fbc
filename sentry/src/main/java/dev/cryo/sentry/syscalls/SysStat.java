package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysStat {
    private SysStat() {}

    static void register(SyscallTable t) {}
}
