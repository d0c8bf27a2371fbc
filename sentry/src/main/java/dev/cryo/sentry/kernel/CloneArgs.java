package dev.cryo.sentry.kernel;

/**
 * What clone(2), clone3(2), fork(2) and vfork(2) ask for, decoded and checked by the syscall
 * layer. Immutable.
 *
 * @param flags CLONE_* flags (without the exit signal)
 * @param exitSignal the signal the parent gets at the child's exit
 * @param stack the child's stack pointer, or 0 for the parent's
 */
public record CloneArgs(long flags, int exitSignal, long stack, long parentTid, long childTid, long tls) {
    public static final long CSIGNAL = 0xff, CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400,
            CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000,
            CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000,
            CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
            CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000,
            CLONE_NEWCGROUP = 0x2000000, CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000,
            CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000,
            CLONE_IO = 0x80000000L, CLONE_CLEAR_SIGHAND = 0x100000000L, CLONE_INTO_CGROUP = 0x200000000L,
            CLONE_NEWTIME = 0x80;
    /** Every namespace flag (CLONE_NEWTIME shares its bit with CSIGNAL in legacy clone). */
    public static final long NAMESPACES = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC
            | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }
}
