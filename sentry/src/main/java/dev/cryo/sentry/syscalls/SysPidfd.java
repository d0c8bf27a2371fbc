package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIGNAL;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Credentials;
import dev.cryo.sentry.kernel.PidFdFile;
import dev.cryo.sentry.kernel.SigInfo;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;

/** pidfd_open, pidfd_send_signal and pidfd_getfd (kernel/pid.c, kernel/signal.c). */
final class SysPidfd {
    private SysPidfd() {}

    /** PIDFD_SIGNAL_THREAD_GROUP: the process, as with no flag. */
    private static final int PIDFD_SIGNAL_THREAD_GROUP = 2;

    static void register(SyscallTable t) {
        t.partial(Sysno.PIDFD_OPEN, "PIDFD_NONBLOCK; PIDFD_THREAD (a thread's pidfd) is EINVAL",
                SysPidfd::pidfdOpen, INT, HEX);
        t.partial(Sysno.PIDFD_SEND_SIGNAL, "flags 0 and PIDFD_SIGNAL_THREAD_GROUP; PIDFD_SIGNAL_THREAD and "
                + "PIDFD_SIGNAL_PROCESS_GROUP are EINVAL", SysPidfd::pidfdSendSignal, FD, SIGNAL, PTR, HEX);
        t.supported(Sysno.PIDFD_GETFD, SysPidfd::pidfdGetfd, FD, INT, HEX);
    }

    /** The pidfd open at {@code fd}: EBADF if none is open there or it is another kind of file (pidfd_to_pid). */
    static PidFdFile pidfd(Task t, int fd) {
        FileDescription f = t.fds().getIo(fd);
        if (f instanceof PidFdFile p) return p;
        throw SyscallError.of(EBADF);
    }

    /** Implements Linux pidfd_open(2). */
    static long pidfdOpen(Task t) {
        int pid = t.intArg(0), flags = t.intArg(1);
        if ((flags & ~OpenFlags.O_NONBLOCK) != 0) throw SyscallError.of(EINVAL);
        if (pid <= 0) throw SyscallError.of(EINVAL);
        PidFdFile f = PidFdFile.open(t.kernel(), pid, flags);
        if (f == null) {
            // A thread's id that is not a process's (pidfd_prepare without PIDFD_THREAD): ENOENT.
            if (t.kernel().tasks().containsKey(pid)) throw SyscallError.of(dev.cryo.sentry.abi.Errno.ENOENT);
            throw SyscallError.of(ESRCH);
        }
        return install(t, f);
    }

    /** Installs a new pidfd, always close-on-exec (pidfd_create's O_CLOEXEC). */
    static int install(Task t, PidFdFile f) {
        try {
            return t.fds().install(f, true, 0);
        } catch (SyscallError e) {
            SysPipe.release(f);
            throw e;
        }
    }

    /** Implements Linux pidfd_send_signal(2). */
    static long pidfdSendSignal(Task t) {
        int sig = t.intArg(1), flags = t.intArg(3);
        long infoAddr = t.arg(2);
        if ((flags & ~PIDFD_SIGNAL_THREAD_GROUP) != 0) throw SyscallError.of(EINVAL);
        PidFdFile p = pidfd(t, t.intArg(0));
        SigInfo info;
        if (infoAddr != 0) {
            info = SigInfo.fromUser(sig, t.mm().usermem().read(infoAddr, SigInfo.SIZE));
            int given = t.mm().usermem().readInt(infoAddr);
            if (given != sig) throw SyscallError.of(EINVAL);
            // Only a process itself may pass a kernel si_code (or SI_TKILL) to itself.
            if (p.pid() != t.tgid() && (info.code() >= 0 || info.code() == SigInfo.SI_TKILL)) throw SyscallError.of(EPERM);
        } else {
            info = SigInfo.user(sig, SigInfo.SI_USER, t.tgid(), t.creds().ruid);
        }
        Task target = p.liveThread();
        if (target == null) throw SyscallError.of(ESRCH);
        SysKill.check(t, target, sig);
        if (sig == 0) return 0;
        if (!t.kernel().sendToThreadGroup(target, info)) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EAGAIN);
        return 0;
    }

    /**
     * Implements Linux pidfd_getfd(2): a new descriptor, close-on-exec, for the file the
     * process has open at {@code targetfd}; the caller must be allowed to trace it (root of the
     * sandbox, or the same user).
     */
    static long pidfdGetfd(Task t) {
        int targetFd = t.intArg(1), flags = t.intArg(2);
        if (flags != 0) throw SyscallError.of(EINVAL);
        PidFdFile p = pidfd(t, t.intArg(0));
        Task target = p.liveThread();
        if (target == null) throw SyscallError.of(ESRCH);
        Credentials s = t.creds(), r = target.creds();
        // __ptrace_may_access with the caller's real ids (PTRACE_MODE_REALCREDS).
        boolean sameUser = s.ruid == r.euid && s.ruid == r.suid && s.ruid == r.ruid
                && s.rgid == r.egid && s.rgid == r.sgid && s.rgid == r.rgid;
        if (s.euid != 0 && !sameUser && target.tgid() != t.tgid()) throw SyscallError.of(EPERM);
        FileDescription f = target.fds().get(targetFd);
        return t.fds().install(f, true, 0);
    }
}
