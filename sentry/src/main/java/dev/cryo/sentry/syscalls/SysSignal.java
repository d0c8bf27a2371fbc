package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOMEM;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIGNAL;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.SignalAction;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Signal dispositions, masks and the alternate stack (kernel/signal.c). FIRST CUT: these calls
 * record state with Linux's checks, but no signal is delivered to a handler yet (that comes
 * with signal delivery), so the table marks them partial.
 */
final class SysSignal {
    private SysSignal() {}

    /** sizeof(sigset_t) in the kernel: 64 signals. */
    static final int SIGSET_SIZE = 8;
    /** sizeof(struct sigaction) as the kernel reads it: handler, flags, restorer, mask. */
    static final int SIGACTION_SIZE = 32;
    /** sizeof(stack_t): ss_sp, ss_flags (and padding), ss_size. */
    static final int STACK_T_SIZE = 24;
    /** The SA_* flags the kernel keeps (UAPI_SA_FLAGS on x86); others are cleared so programs can probe. */
    static final long UAPI_SA_FLAGS = Signals.SA_NOCLDSTOP | Signals.SA_NOCLDWAIT | Signals.SA_SIGINFO
            | Signals.SA_ONSTACK | Signals.SA_RESTART | Signals.SA_NODEFER | Signals.SA_RESETHAND
            | Signals.SA_EXPOSE_TAGBITS | Signals.SA_RESTORER;
    private static final long UNBLOCKABLE = Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP);

    static void register(SyscallTable t) {
        String note = "records state only: signals are not delivered to handlers yet";
        t.partial(Sysno.RT_SIGACTION, note, SysSignal::rtSigaction, SIGNAL, PTR, PTR, SIZE);
        t.partial(Sysno.RT_SIGPROCMASK, note, SysSignal::rtSigprocmask, INT, PTR, PTR, SIZE);
        t.partial(Sysno.RT_SIGPENDING, "no signal is ever pending yet: always the empty set",
                SysSignal::rtSigpending, PTR, SIZE);
        t.partial(Sysno.SIGALTSTACK, note, SysSignal::sigaltstack, PTR, PTR);
    }

    /** Implements Linux rt_sigaction(2). SIGKILL and SIGSTOP keep their default; masks never block them. */
    static long rtSigaction(Task t) {
        int sig = t.intArg(0);
        long act = t.arg(1), oact = t.arg(2);
        if (t.arg(3) != SIGSET_SIZE) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        SignalAction next = null;
        if (act != 0) {
            ByteBuffer b = ByteBuffer.wrap(mem.read(act, SIGACTION_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
            next = new SignalAction();
            next.handler = b.getLong();
            next.flags = b.getLong() & UAPI_SA_FLAGS;
            next.restorer = b.getLong();
            next.mask = b.getLong() & ~UNBLOCKABLE;
        }
        if (!Signals.valid(sig) || (next != null && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP))) {
            throw SyscallError.of(EINVAL);
        }
        SignalAction cur = t.action(sig);
        SignalAction old = cur.copy();
        if (next != null) {
            cur.handler = next.handler;
            cur.flags = next.flags;
            cur.restorer = next.restorer;
            cur.mask = next.mask;
        }
        if (oact != 0) {
            mem.write(oact, SysTime.longsToBytes(new long[] {old.handler, old.flags & UAPI_SA_FLAGS, old.restorer, old.mask}));
        }
        return 0;
    }

    /** Implements Linux rt_sigprocmask(2); {@code how} is checked only when a new set is given, as Linux does. */
    static long rtSigprocmask(Task t) {
        int how = t.intArg(0);
        long set = t.arg(1), oset = t.arg(2);
        if (t.arg(3) != SIGSET_SIZE) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        long old = t.signalMask();
        if (set != 0) {
            long s = mem.readLong(set);
            long next = switch (how) {
                case Signals.SIG_BLOCK -> old | s;
                case Signals.SIG_UNBLOCK -> old & ~s;
                case Signals.SIG_SETMASK -> s;
                default -> throw SyscallError.of(EINVAL);
            };
            t.setSignalMask(next); // drops SIGKILL and SIGSTOP
        }
        if (oset != 0) mem.writeLong(oset, old);
        return 0;
    }

    /** Implements Linux rt_sigpending(2): writes {@code sigsetsize} bytes of the (empty) pending set. */
    static long rtSigpending(Task t) {
        long size = t.arg(1);
        if (size < 0 || size > SIGSET_SIZE) throw SyscallError.of(EINVAL);
        t.mm().usermem().write(t.arg(0), new byte[(int) size]);
        return 0;
    }

    /** Implements Linux sigaltstack(2). */
    static long sigaltstack(Task t) {
        long ss = t.arg(0), oss = t.arg(1);
        Usermem mem = t.mm().usermem();
        long sp = t.regs()[Regs.RSP];
        long oldSp = t.altStackSp(), oldSize = t.altStackSize();
        int oldFlags = t.altStackFlags();
        boolean onStack = onAltStack(t, sp);
        if (ss != 0) {
            ByteBuffer b = ByteBuffer.wrap(mem.read(ss, STACK_T_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
            long newSp = b.getLong(0);
            int flags = b.getInt(8);
            long size = b.getLong(16);
            if (onStack) throw SyscallError.of(EPERM);
            int mode = flags & ~Signals.SS_AUTODISARM;
            if (mode != Signals.SS_DISABLE && mode != Signals.SS_ONSTACK && mode != 0) throw SyscallError.of(EINVAL);
            if (!(newSp == oldSp && size == oldSize && flags == oldFlags)) {
                if (mode == Signals.SS_DISABLE) {
                    newSp = 0;
                    size = 0;
                } else if (Long.compareUnsigned(size, Signals.MINSIGSTKSZ) < 0) {
                    throw SyscallError.of(ENOMEM);
                }
                t.setAltStack(newSp, size, flags);
            }
        }
        if (oss != 0) {
            // ss_flags as sas_ss_flags() reports them: whether one is set up and whether we run on it.
            int reported = (oldSize == 0 ? Signals.SS_DISABLE : onStack ? Signals.SS_ONSTACK : 0)
                    | (oldFlags & Signals.SS_AUTODISARM);
            ByteBuffer b = ByteBuffer.allocate(STACK_T_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(0, oldSp).putInt(8, reported).putLong(16, oldSize);
            mem.write(oss, b.array());
        }
        return 0;
    }

    /** on_sig_stack(): whether {@code sp} is inside the alternate stack (never, with SS_AUTODISARM). */
    static boolean onAltStack(Task t, long sp) {
        if ((t.altStackFlags() & Signals.SS_AUTODISARM) != 0) return false;
        long base = t.altStackSp();
        return Long.compareUnsigned(sp, base) > 0 && Long.compareUnsigned(sp - base, t.altStackSize()) <= 0;
    }
}
