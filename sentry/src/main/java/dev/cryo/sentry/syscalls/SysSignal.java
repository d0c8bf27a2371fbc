package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysSignal {
    private SysSignal() {}

    static void register(SyscallTable t) {}
}
