package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.E2BIG;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOSYS;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.kernel.CloneArgs.*;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.CloneArgs;
import dev.cryo.sentry.kernel.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** fork, vfork, clone and clone3 (kernel/fork.c): argument checks as Linux makes them, then Task.fork. */
final class SysFork {
    private SysFork() {}

    /** Flags legacy clone knows (CLONE_LEGACY_FLAGS); clone3 adds two. */
    private static final long LEGACY_FLAGS = 0xffffffffL & ~CSIGNAL;
    private static final long CLONE3_FLAGS = LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP;
    private static final int CLONE_ARGS_SIZE_VER0 = 64;

    static void register(SyscallTable t) {
        t.supported(Sysno.FORK, SysFork::fork);
        t.partial(Sysno.VFORK, "a copy of the memory, the parent waiting until the child execs or exits",
                SysFork::vfork);
        t.partial(Sysno.CLONE, "processes and threads (CLONE_THREAD), processes sharing a descriptor table "
                + "(CLONE_FILES); CLONE_VM or CLONE_SIGHAND without CLONE_THREAD (memory or dispositions shared by "
                + "two processes, but vfork) and CLONE_PIDFD are ENOSYS, namespaces EPERM; a thread that execs "
                + "keeps its tid",
                SysFork::clone, HEX, HEX, PTR, PTR, HEX);
        t.partial(Sysno.CLONE3, "as clone; set_tid EPERM, CLONE_INTO_CGROUP EPERM", SysFork::clone3, PTR, SIZE);
    }

    /** Implements Linux fork(2). */
    static long fork(Task t) {
        return t.fork(new CloneArgs(0, Signals.SIGCHLD, 0, 0, 0, 0));
    }

    /** Implements Linux vfork(2), as clone(CLONE_VM | CLONE_VFORK | SIGCHLD). */
    static long vfork(Task t) {
        return t.fork(new CloneArgs(CLONE_VM | CLONE_VFORK, Signals.SIGCHLD, 0, 0, 0, 0));
    }

    /** Implements Linux clone(2): x86-64 order flags, stack, parent_tid, child_tid, tls. */
    static long clone(Task t) {
        long flags = t.arg(0);
        // Legacy clone takes the low 32 bits; the exit signal is the low byte, unchecked.
        flags &= 0xffffffffL;
        int exitSignal = (int) (flags & CSIGNAL);
        return clone(t, new CloneArgs(flags & ~CSIGNAL, exitSignal, t.arg(1), t.arg(2), t.arg(3), t.arg(4)));
    }

    /** Implements Linux clone3(2): struct clone_args of at least 64 bytes; unknown trailing bytes must be zero. */
    static long clone3(Task t) {
        long addr = t.arg(0), size = t.arg(1);
        if (size > 4096) throw SyscallError.of(E2BIG);
        if (size < CLONE_ARGS_SIZE_VER0) throw SyscallError.of(EINVAL);
        byte[] raw;
        try {
            raw = t.mm().usermem().read(addr, (int) size);
        } catch (SyscallError e) {
            throw SyscallError.of(EFAULT);
        }
        for (int i = 88; i < raw.length; i++) if (raw[i] != 0) throw SyscallError.of(E2BIG);
        ByteBuffer b = ByteBuffer.wrap(java.util.Arrays.copyOf(raw, 88)).order(ByteOrder.LITTLE_ENDIAN);
        long flags = b.getLong(0), pidfd = b.getLong(8), childTid = b.getLong(16), parentTid = b.getLong(24),
                exitSignal = b.getLong(32), stack = b.getLong(40), stackSize = b.getLong(48), tls = b.getLong(56),
                setTid = b.getLong(64), setTidSize = b.getLong(72);
        // clone3_args_valid and copy_clone_args_from_user
        if (setTidSize > 32 || (setTid == 0 && setTidSize != 0) || (setTid != 0 && setTidSize == 0)) {
            throw SyscallError.of(EINVAL);
        }
        if ((exitSignal & ~CSIGNAL) != 0 || !validSignal(exitSignal)) throw SyscallError.of(EINVAL);
        if ((flags & ~CLONE3_FLAGS) != 0) throw SyscallError.of(EINVAL);
        if ((flags & (CLONE_DETACHED | CSIGNAL)) != 0) throw SyscallError.of(EINVAL);
        if ((flags & (CLONE_THREAD | CLONE_PARENT)) != 0 && exitSignal != 0) throw SyscallError.of(EINVAL);
        if ((stack == 0) != (stackSize == 0)) throw SyscallError.of(EINVAL);
        if ((flags & CLONE_CLEAR_SIGHAND) != 0 && (flags & CLONE_SIGHAND) != 0) throw SyscallError.of(EINVAL);
        if (setTidSize != 0) throw SyscallError.of(EPERM); // choosing pids is not offered
        if ((flags & CLONE_INTO_CGROUP) != 0) throw SyscallError.of(EPERM); // no cgroups in the sandbox
        long sp = stack == 0 ? 0 : stack + stackSize;
        CloneArgs a = new CloneArgs(flags & ~CLONE_CLEAR_SIGHAND, (int) exitSignal, sp, parentTid, childTid, tls);
        if ((flags & CLONE_PIDFD) != 0 && pidfd == 0) throw SyscallError.of(EINVAL);
        long pid = clone(t, a);
        if ((flags & CLONE_CLEAR_SIGHAND) != 0) {
            // The child has not run yet: it waits for the kernel lock this call holds.
            var c = t.kernel().tasks().get((int) pid);
            if (c != null) resetHandlers(c);
        }
        return pid;
    }

    private static boolean validSignal(long sig) {
        return sig >= 0 && sig <= Signals.NSIG;
    }

    /** CLONE_CLEAR_SIGHAND: handled signals go back to SIG_DFL in the child; ignored ones stay ignored. */
    private static void resetHandlers(Task c) {
        for (int i = 1; i <= Signals.NSIG; i++) {
            var a = c.action(i);
            if (a.handler != Signals.SIG_IGN) {
                a.handler = Signals.SIG_DFL;
                a.flags = 0;
                a.mask = 0;
                a.restorer = 0;
            }
        }
    }

    /** The checks of copy_process, in its order, then what the Sentry does not offer. */
    private static long clone(Task t, CloneArgs a) {
        if (a.has(CLONE_NEWNS | CLONE_NEWUSER) && a.has(CLONE_FS)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_THREAD) && !a.has(CLONE_SIGHAND)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_SIGHAND) && !a.has(CLONE_VM)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_PARENT) && t.ppid() == 0) throw SyscallError.of(EINVAL); // init makes no siblings
        if (a.has(CLONE_THREAD) && a.has(CLONE_NEWUSER | CLONE_NEWPID)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_PIDFD) && a.has(CLONE_THREAD)) throw SyscallError.of(EINVAL);
        if (a.has(NAMESPACES)) throw SyscallError.of(EPERM); // the sandbox makes no namespaces
        if (a.has(CLONE_THREAD)) return t.cloneThread(a);
        // Memory or dispositions shared with another process: not offered.
        if (a.has(CLONE_VM) && !a.has(CLONE_VFORK)) throw SyscallError.of(ENOSYS);
        if (a.has(CLONE_SIGHAND | CLONE_PIDFD)) throw SyscallError.of(ENOSYS);
        return t.fork(a);
    }
}
