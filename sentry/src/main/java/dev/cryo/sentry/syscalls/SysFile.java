package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysFile {
    private SysFile() {}

    static void register(SyscallTable t) {}
}
