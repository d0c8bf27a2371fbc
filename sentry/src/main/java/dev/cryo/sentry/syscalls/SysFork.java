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
import dev.cryo.sentry.kernel.PidFdFile;
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
                + "(CLONE_FILES), with a pidfd (CLONE_PIDFD); CLONE_VM or CLONE_SIGHAND without CLONE_THREAD "
                + "(memory or dispositions shared by two processes, but vfork) are ENOSYS, namespaces EPERM; a thread that execs "
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
        // Legacy clone returns the pidfd through parent_tid, which CLONE_PARENT_SETTID would
        // also write: the two together are EINVAL, as is CLONE_DETACHED with a pidfd.
        if ((flags & CLONE_PIDFD) != 0 && (flags & (CLONE_PARENT_SETTID | CLONE_DETACHED)) != 0) throw SyscallError.of(EINVAL);
        return clone(t, new CloneArgs(flags & ~CSIGNAL, exitSignal, t.arg(1), t.arg(2), t.arg(3), t.arg(4)), t.arg(2));
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
        CloneArgs a = new CloneArgs(flags, (int) exitSignal, sp, parentTid, childTid, tls);
        return clone(t, a, pidfd); // CLONE_CLEAR_SIGHAND is applied by TaskFork, before the child can run
    }

    private static boolean validSignal(long sig) {
        return sig >= 0 && sig <= Signals.NSIG;
    }

    /** The checks of copy_process, in its order, then what the Sentry does not offer; CLONE_PIDFD's descriptor goes to {@code pidfdAddr}. */
    private static long clone(Task t, CloneArgs a, long pidfdAddr) {
        if (a.has(CLONE_NEWNS | CLONE_NEWUSER) && a.has(CLONE_FS)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_THREAD) && !a.has(CLONE_SIGHAND)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_SIGHAND) && !a.has(CLONE_VM)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_PARENT) && t.ppid() == 0) throw SyscallError.of(EINVAL); // init makes no siblings
        if (a.has(CLONE_THREAD) && a.has(CLONE_NEWUSER | CLONE_NEWPID)) throw SyscallError.of(EINVAL);
        if (a.has(CLONE_PIDFD) && a.has(CLONE_THREAD)) throw SyscallError.of(EINVAL);
        if (a.has(NAMESPACES)) throw SyscallError.of(EPERM); // the sandbox makes no namespaces
        // copy_thread's set_new_tls: a thread pointer past the user range is EPERM, as arch_prctl's.
        if (a.has(CloneArgs.CLONE_SETTLS) && (a.tls() < 0 || a.tls() >= 0x7ffffffff000L)) throw SyscallError.of(EPERM);
        if (a.has(CLONE_THREAD)) return t.cloneThread(a);
        // Memory or dispositions shared with another process: not offered.
        if (a.has(CLONE_VM) && !a.has(CLONE_VFORK)) throw SyscallError.of(ENOSYS);
        if (a.has(CLONE_SIGHAND)) throw SyscallError.of(ENOSYS);
        if (!a.has(CLONE_PIDFD)) return t.fork(a);
        // The descriptor is reserved and its address checked before the child exists, so a
        // failure leaves no child behind (copy_process: get_unused_fd, then put_user at the end).
        if (!t.fds().hasFree()) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EMFILE);
        t.mm().usermem().check(pidfdAddr, 4, true);
        long pid = t.fork(a);
        int fd = SysPidfd.install(t, PidFdFile.ofChild(t.kernel(), (int) pid));
        t.mm().usermem().writeInt(pidfdAddr, fd);
        return pid;
    }
}
