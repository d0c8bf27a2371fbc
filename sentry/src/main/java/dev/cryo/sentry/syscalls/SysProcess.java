package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBUSY;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import java.nio.charset.StandardCharsets;

/** Exit, thread setup (TLS, tid address, robust list, rseq) and prctl. */
final class SysProcess {
    private SysProcess() {}

    private static final int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003,
            ARCH_GET_GS = 0x1004, ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012;
    /** First address past the canonical lower half: TLS bases must be below it. */
    private static final long CANONICAL_END = 0x0000_8000_0000_0000L;
    private static final int ROBUST_LIST_HEAD_SIZE = 24;
    private static final int RSEQ_MIN_SIZE = 32, RSEQ_FLAG_UNREGISTER = 1;

    static void register(SyscallTable t) {
        t.supported(Sysno.EXIT, SysProcess::exit, INT);
        t.supported(Sysno.EXIT_GROUP, SysProcess::exitGroup, INT);
        t.supported(Sysno.ARCH_PRCTL, SysProcess::archPrctl, HEX, HEX);
        t.supported(Sysno.SET_TID_ADDRESS, SysProcess::setTidAddress, HEX);
        t.supported(Sysno.SET_ROBUST_LIST, SysProcess::setRobustList, HEX, SIZE);
        t.supported(Sysno.GET_ROBUST_LIST, SysProcess::getRobustList, INT, PTR, PTR);
        t.partial(Sysno.RSEQ, "registration only: cpu_id is always 0 and critical sections are never aborted",
                SysProcess::rseq, HEX, SIZE, HEX, HEX);
        t.partial(Sysno.PRCTL, "PR_SET/GET_NAME, PDEATHSIG, DUMPABLE, NO_NEW_PRIVS, KEEPCAPS; others EINVAL",
                SysProcess::prctl, INT, HEX, HEX, HEX, HEX);
        t.supported(Sysno.SCHED_YIELD, task -> 0);
        t.supported(Sysno.SCHED_GETAFFINITY, SysProcess::schedGetaffinity, INT, SIZE, PTR);
        t.partial(Sysno.SCHED_SETAFFINITY, "recorded and read back (sched_getaffinity, children inherit it); "
                + "the host places the task as the platform decides", SysProcess::schedSetaffinity, INT, SIZE, PTR);
        t.supported(Sysno.GETCPU, SysProcess::getcpu, PTR, PTR, PTR);
    }

    /** Implements Linux exit(2): this thread only; the process ends with its last thread. */
    static long exit(Task t) {
        t.exitThread(t.intArg(0));
        return 0;
    }

    /** Implements Linux exit_group(2). */
    static long exitGroup(Task t) {
        t.exitGroup(t.intArg(0));
        return 0;
    }

    /** Implements Linux arch_prctl(2). */
    static long archPrctl(Task t) {
        int code = t.intArg(0);
        long addr = t.arg(1);
        long[] regs = t.regs();
        switch (code) {
            case ARCH_SET_FS, ARCH_SET_GS -> {
                if (addr < 0 || addr >= CANONICAL_END) throw SyscallError.of(EPERM);
                regs[code == ARCH_SET_FS ? Regs.FS_BASE : Regs.GS_BASE] = addr;
                return 0;
            }
            case ARCH_GET_FS, ARCH_GET_GS -> {
                t.mm().usermem().writeLong(addr, regs[code == ARCH_GET_FS ? Regs.FS_BASE : Regs.GS_BASE]);
                return 0;
            }
            case ARCH_GET_CPUID -> {
                return 1; // cpuid is not faulting
            }
            case ARCH_SET_CPUID -> throw SyscallError.of(dev.cryo.sentry.abi.Errno.ENODEV);
            default -> throw SyscallError.of(EINVAL);
        }
    }

    /** Implements Linux set_tid_address(2). */
    static long setTidAddress(Task t) {
        t.setClearChildTid(t.arg(0));
        return t.tid();
    }

    /** Implements Linux set_robust_list(2). */
    static long setRobustList(Task t) {
        if (t.arg(1) != ROBUST_LIST_HEAD_SIZE) throw SyscallError.of(EINVAL);
        t.setRobustList(t.arg(0), t.arg(1));
        return 0;
    }

    /** Implements Linux get_robust_list(2): any task of the sandbox (root may trace them all). */
    static long getRobustList(Task t) {
        int pid = t.intArg(0);
        Task of = pid == 0 ? t : t.kernel().tasks().get(pid);
        if (of == null) throw SyscallError.of(ESRCH);
        t.mm().usermem().writeLong(t.arg(2), ROBUST_LIST_HEAD_SIZE);
        t.mm().usermem().writeLong(t.arg(1), of.robustListHead());
        return 0;
    }

    /** Implements Linux rseq(2): registration and unregistration with Linux's checks. */
    static long rseq(Task t) {
        long addr = t.arg(0);
        int len = t.intArg(1), flags = t.intArg(2), sig = t.intArg(3);
        if ((flags & ~RSEQ_FLAG_UNREGISTER) != 0) throw SyscallError.of(EINVAL);
        if ((flags & RSEQ_FLAG_UNREGISTER) != 0) {
            if (t.rseqAddr() != addr || t.rseqAddr() == 0) throw SyscallError.of(EINVAL);
            if (t.rseqLen() != len) throw SyscallError.of(EINVAL);
            if (t.rseqSig() != sig) throw SyscallError.of(EPERM);
            t.setRseq(0, 0, 0);
            return 0;
        }
        if (t.rseqAddr() != 0) {
            if (t.rseqAddr() != addr || t.rseqLen() != len) throw SyscallError.of(EINVAL);
            if (t.rseqSig() != sig) throw SyscallError.of(EPERM);
            throw SyscallError.of(EBUSY);
        }
        if ((addr & 31) != 0 || len < RSEQ_MIN_SIZE) throw SyscallError.of(EINVAL);
        try {
            t.mm().usermem().check(addr, len, true);
        } catch (SyscallError e) {
            throw SyscallError.of(EFAULT);
        }
        // cpu_id_start and cpu_id: the sandbox shows one CPU to rseq users.
        t.mm().usermem().writeInt(addr, 0);
        t.mm().usermem().writeInt(addr + 4, 0);
        t.setRseq(addr, len, sig);
        return 0;
    }

    private static final int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3,
            PR_SET_DUMPABLE = 4, PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_SET_NAME = 15,
            PR_GET_NAME = 16, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;

    /** Implements the parts of Linux prctl(2) that programs commonly use. */
    static long prctl(Task t) {
        int option = t.intArg(0);
        long a2 = t.arg(1);
        var mem = t.mm().usermem();
        switch (option) {
            case PR_SET_NAME -> {
                byte[] name = new byte[16];
                int n = 0;
                try {
                    byte[] s = mem.readCString(a2, 16);
                    n = s.length;
                    System.arraycopy(s, 0, name, 0, n);
                } catch (SyscallError e) {
                    if (e.errno() != dev.cryo.sentry.abi.Errno.ENAMETOOLONG) throw e;
                    mem.read(a2, name, 0, 15);
                    n = 15;
                }
                t.setComm(new String(name, 0, n, StandardCharsets.UTF_8));
                return 0;
            }
            case PR_GET_NAME -> {
                byte[] name = new byte[16];
                byte[] c = t.comm().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(c, 0, name, 0, Math.min(15, c.length));
                mem.write(a2, name);
                return 0;
            }
            case PR_SET_PDEATHSIG -> {
                if (a2 < 0 || a2 > 64) throw SyscallError.of(EINVAL);
                return 0; // the sandbox's init has no parent in it that could die first
            }
            case PR_GET_PDEATHSIG -> {
                mem.writeInt(a2, 0);
                return 0;
            }
            case PR_GET_DUMPABLE -> {
                return 1;
            }
            case PR_SET_DUMPABLE -> {
                if (a2 != 0 && a2 != 1) throw SyscallError.of(EINVAL);
                return 0;
            }
            case PR_GET_KEEPCAPS -> {
                return 0;
            }
            case PR_SET_KEEPCAPS -> {
                if (a2 != 0 && a2 != 1) throw SyscallError.of(EINVAL);
                return 0;
            }
            case PR_SET_NO_NEW_PRIVS -> {
                if (a2 != 1 || t.arg(2) != 0 || t.arg(3) != 0 || t.arg(4) != 0) throw SyscallError.of(EINVAL);
                return 0;
            }
            case PR_GET_NO_NEW_PRIVS -> {
                return 0;
            }
            default -> throw SyscallError.of(EINVAL);
        }
    }

    /** The sandbox's CPUs as a mask: the process's, not the calling tracer thread's (that one is pinned to one). */
    private static long sandboxCpus() {
        int cpus = Math.min(64, dev.cryo.platform.host.Host.processCpuCount());
        return cpus == 64 ? -1L : (1L << cpus) - 1;
    }

    /** The task {@code pid} names for the affinity calls: 0 is the caller; ESRCH if none. */
    private static Task affinityTarget(Task t, int pid) {
        Task target = pid == 0 ? t : t.kernel().tasks().get(pid);
        if (target == null || target.exited()) throw SyscallError.of(ESRCH);
        return target;
    }

    /** Implements Linux sched_getaffinity(2): the task's recorded mask within the sandbox's CPUs. */
    static long schedGetaffinity(Task t) {
        int pid = t.intArg(0);
        long len = t.arg(1), mask = t.arg(2);
        if (len < 8 || (len & 7) != 0) throw SyscallError.of(EINVAL);
        Task target = affinityTarget(t, pid);
        long cpus = sandboxCpus() & target.affinity();
        t.mm().usermem().writeLong(mask, cpus == 0 ? sandboxCpus() : cpus); // a mask restored on fewer CPUs
        return 8;
    }

    /**
     * Implements Linux sched_setaffinity(2): the mask (a shorter one padded with zeros) is read
     * first (EFAULT), then the task found (ESRCH), the caller's right checked (EPERM: root or the
     * same user), and a mask with none of the sandbox's CPUs refused (EINVAL).
     */
    static long schedSetaffinity(Task t) {
        int pid = t.intArg(0);
        long len = t.arg(1) & 0xffffffffL, addr = t.arg(2); // an unsigned int
        long mask = 0;
        if (len > 0) {
            byte[] b = t.mm().usermem().read(addr, (int) Math.min(len, 8));
            for (int i = b.length - 1; i >= 0; i--) mask = (mask << 8) | (b[i] & 0xff);
        }
        Task target = affinityTarget(t, pid);
        var c = t.creds();
        var r = target.creds();
        if (c.euid != 0 && c.euid != r.euid && c.euid != r.ruid) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EPERM);
        long allowed = mask & sandboxCpus();
        if (allowed == 0) throw SyscallError.of(EINVAL);
        target.setAffinity(allowed);
        return 0;
    }

    /** Implements Linux getcpu(2). */
    static long getcpu(Task t) {
        var mem = t.mm().usermem();
        if (t.arg(0) != 0) mem.writeInt(t.arg(0), 0);
        if (t.arg(1) != 0) mem.writeInt(t.arg(1), 0);
        return 0;
    }
}
