package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysInfo {
    private SysInfo() {}

    static void register(SyscallTable t) {}
}
