package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static dev.cryo.sentry.kernel.TaskWait.*;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TaskWait;
import dev.cryo.sentry.mm.Usermem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * wait4 and waitid (kernel/exit.c). A blocked wait gives way to a freeze with ERESTARTSYS and
 * is made again after the thaw or restore; signal delivery will turn the same ERESTARTSYS into
 * EINTR or a restart, as SA_RESTART says.
 */
final class SysWait {
    private SysWait() {}

    private static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;
    private static final int SIGINFO_SIZE = 128;

    static void register(SyscallTable t) {
        t.partial(Sysno.WAIT4, "ptrace stops (a traced child) are never reported: the sandbox has no ptrace",
                SysWait::wait4, INT, PTR, HEX, PTR);
        t.partial(Sysno.WAITID, "as wait4", SysWait::waitid, INT, INT, PTR, HEX, PTR);
    }

    /** Implements Linux wait4(2). */
    static long wait4(Task t) {
        int pid = t.intArg(0), options = t.intArg(2);
        long statusAddr = t.arg(1), rusageAddr = t.arg(3);
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WCLONE | WALL)) != 0) {
            throw SyscallError.of(EINVAL);
        }
        if (pid == Integer.MIN_VALUE) throw SyscallError.of(ESRCH); // -INT_MIN is undefined
        int idtype, id;
        if (pid == -1) {
            idtype = P_ALL;
            id = 0;
        } else if (pid < 0) {
            idtype = P_PGID;
            id = -pid;
        } else if (pid == 0) {
            idtype = P_PGID;
            id = 0;
        } else {
            idtype = P_PID;
            id = pid;
        }
        TaskWait.Waited w = TaskWait.waitChild(t, idtype, id, options | WEXITED);
        if (w == null) return 0;
        // The child is reaped whatever comes next, as in kernel_wait4: a bad pointer is EFAULT then.
        Usermem mem = t.mm().usermem();
        try {
            if (statusAddr != 0) mem.writeInt(statusAddr, w.waitStatus());
            if (rusageAddr != 0) mem.write(rusageAddr, rusage(w.cpuNanos()));
        } catch (SyscallError e) {
            throw SyscallError.of(EFAULT);
        }
        return w.pid();
    }

    /** Implements Linux waitid(2). */
    static long waitid(Task t) {
        int idtype = t.intArg(0), id = t.intArg(1), options = t.intArg(3);
        long infop = t.arg(2), rusageAddr = t.arg(4);
        if ((options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WNOTHREAD | WCLONE | WALL)) != 0) {
            throw SyscallError.of(EINVAL);
        }
        if ((options & (WEXITED | WSTOPPED | WCONTINUED)) == 0) throw SyscallError.of(EINVAL);
        switch (idtype) {
            case P_ALL -> { }
            case P_PID -> {
                if (id <= 0) throw SyscallError.of(EINVAL);
            }
            case P_PGID -> {
                if (id < 0) throw SyscallError.of(EINVAL);
            }
            case P_PIDFD -> {
                // pidfd_get_pid: EBADF for no open file and for a file that is not a pidfd.
                if (id < 0) throw SyscallError.of(EINVAL);
                if (!(t.fds().getIo(id) instanceof dev.cryo.sentry.kernel.PidFdFile p)) throw SyscallError.of(EBADF);
                idtype = P_PID;
                // A non-blocking pidfd makes the wait WNOHANG, and finding nothing then EAGAIN.
                boolean nonblock = (p.flags() & dev.cryo.sentry.vfs.OpenFlags.O_NONBLOCK) != 0;
                if (nonblock && (options & WNOHANG) == 0) {
                    TaskWait.Waited w = TaskWait.waitChild(t, idtype, p.pid(), options | WNOHANG);
                    if (w == null) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EAGAIN);
                    return waitidResult(t, w, infop, rusageAddr);
                }
                id = p.pid();
            }
            default -> throw SyscallError.of(EINVAL);
        }
        TaskWait.Waited w = TaskWait.waitChild(t, idtype, id, options);
        return waitidResult(t, w, infop, rusageAddr);
    }

    /** Copies out what waitid found (zeros for WNOHANG's nothing). */
    private static long waitidResult(Task t, TaskWait.Waited w, long infop, long rusageAddr) {
        Usermem mem = t.mm().usermem();
        try {
            if (rusageAddr != 0) mem.write(rusageAddr, rusage(w == null ? 0 : w.cpuNanos()));
            if (infop != 0) mem.write(infop, siginfo(w));
        } catch (SyscallError e) {
            throw SyscallError.of(EFAULT);
        }
        return 0;
    }

    /** The SIGCHLD siginfo waitid fills: all zero when WNOHANG found nothing. */
    private static byte[] siginfo(TaskWait.Waited w) {
        ByteBuffer b = ByteBuffer.allocate(SIGINFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (w != null) {
            int ws = w.waitStatus(), sig = ws & 0x7f;
            int code, status;
            if (ws == 0xffff) { // continued
                code = CLD_CONTINUED;
                status = Signals.SIGCONT;
            } else if (sig == 0x7f) { // stopped
                code = CLD_STOPPED;
                status = (ws >> 8) & 0xff;
            } else {
                code = sig == 0 ? CLD_EXITED : (ws & 0x80) != 0 ? CLD_DUMPED : CLD_KILLED;
                status = sig == 0 ? (ws >> 8) & 0xff : sig;
            }
            b.putInt(0, Signals.SIGCHLD);
            b.putInt(8, code);
            b.putInt(16, w.pid());
            b.putInt(20, w.uid());
            b.putInt(24, status);
        }
        return b.array();
    }

    /** A struct rusage with the child's CPU time as user time. */
    static byte[] rusage(long cpuNanos) {
        ByteBuffer b = ByteBuffer.allocate(SysTime.RUSAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, cpuNanos / SysTime.NANOS);
        b.putLong(8, (cpuNanos % SysTime.NANOS) / 1000);
        return b.array();
    }
}
