package dev.cryo.sentry.syscalls;

/** Not yet written: registers nothing, so its calls return ENOSYS. */
final class SysIdentity {
    private SysIdentity() {}

    static void register(SyscallTable t) {}
}
