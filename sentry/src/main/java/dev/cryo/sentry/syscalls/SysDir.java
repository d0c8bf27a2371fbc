package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysDir {
    private SysDir() {}

    static void register(SyscallTable t) {}
}
