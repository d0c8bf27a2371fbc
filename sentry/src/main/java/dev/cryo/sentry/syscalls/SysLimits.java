package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Limits;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;

/**
 * Resource limits (kernel/sys.c do_prlimit). Limits are compared as unsigned, so RLIM_INFINITY
 * (all ones) is above every value. RLIMIT_NOFILE is enforced by the descriptor table and
 * RLIMIT_AS by mmap, mremap and brk (mm.VmaOps); the others are recorded and reported back.
 */
final class SysLimits {
    private SysLimits() {}

    /** fs.nr_open's default: the highest RLIMIT_NOFILE Linux accepts. */
    static final long NR_OPEN = 1 << 20;

    static void register(SyscallTable t) {
        String note = "RLIMIT_NOFILE and RLIMIT_AS are enforced; other limits are recorded";
        t.partial(Sysno.PRLIMIT64, note, SysLimits::prlimit64, INT, INT, PTR, PTR);
        t.supported(Sysno.GETRLIMIT, SysLimits::getrlimit, INT, PTR);
        t.partial(Sysno.SETRLIMIT, note, SysLimits::setrlimit, INT, PTR);
    }

    /** Implements Linux prlimit64(2) for tasks of the sandbox. */
    static long prlimit64(Task t) {
        int pid = t.intArg(0), resource = t.intArg(1);
        long newAddr = t.arg(2), oldAddr = t.arg(3);
        Usermem mem = t.mm().usermem();
        long[] lim = newAddr != 0 ? readRlimit(mem, newAddr) : null;
        Task target = pid == 0 ? t : t.kernel().tasks().get(pid);
        if (target == null) throw SyscallError.of(ESRCH);
        if (target != t && !mayPrlimit(t, target)) throw SyscallError.of(EPERM);
        long[] old = doPrlimit(t, target, resource, lim);
        if (oldAddr != 0) writeRlimit(mem, oldAddr, old);
        return 0;
    }

    /** check_prlimit_permission: another task's limits need all its ids to be ours, or CAP_SYS_RESOURCE. */
    private static boolean mayPrlimit(Task t, Task target) {
        var c = t.creds();
        var tc = target.creds();
        return SysIdentity.privileged(t) || (c.ruid == tc.ruid && c.ruid == tc.euid && c.ruid == tc.suid
                && c.rgid == tc.rgid && c.rgid == tc.egid && c.rgid == tc.sgid);
    }

    /** Implements Linux getrlimit(2). */
    static long getrlimit(Task t) {
        long[] old = doPrlimit(t, t, t.intArg(0), null);
        writeRlimit(t.mm().usermem(), t.arg(1), old);
        return 0;
    }

    /** Implements Linux setrlimit(2). */
    static long setrlimit(Task t) {
        long[] lim = readRlimit(t.mm().usermem(), t.arg(1));
        doPrlimit(t, t, t.intArg(0), lim);
        return 0;
    }

    /**
     * Checks and applies {@code lim} ({soft, hard}, or null to only read) to {@code target}'s
     * limit {@code resource}; returns the limit as it was. Raising a hard limit takes
     * CAP_SYS_RESOURCE, which only root of the sandbox has.
     */
    static long[] doPrlimit(Task caller, Task target, int resource, long[] lim) {
        if (resource < 0 || resource >= Limits.COUNT) throw SyscallError.of(EINVAL);
        Limits limits = target.limits();
        long[] old = {limits.soft(resource), limits.hard(resource)};
        if (lim == null) return old;
        if (Long.compareUnsigned(lim[0], lim[1]) > 0) throw SyscallError.of(EINVAL);
        if (resource == Limits.NOFILE && Long.compareUnsigned(lim[1], NR_OPEN) > 0) throw SyscallError.of(EPERM);
        if (Long.compareUnsigned(lim[1], old[1]) > 0 && !SysIdentity.privileged(caller)) throw SyscallError.of(EPERM);
        limits.set(resource, lim[0], lim[1]);
        if (resource == Limits.NOFILE && target.fds() != null) {
            target.fds().setLimit((int) lim[0]); // at most NR_OPEN, checked above
        }
        return old;
    }

    private static long[] readRlimit(Usermem mem, long addr) {
        byte[] b = mem.read(addr, 16);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new long[] {bb.getLong(), bb.getLong()};
    }

    private static void writeRlimit(Usermem mem, long addr, long[] lim) {
        mem.write(addr, SysTime.longsToBytes(lim));
    }
}
