package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysFcntl {
    private SysFcntl() {}

    static void register(SyscallTable t) {}
}
