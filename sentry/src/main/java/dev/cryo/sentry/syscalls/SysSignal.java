package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIGNAL;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.kernel.SigInfo;
import dev.cryo.sentry.kernel.SignalAction;
import dev.cryo.sentry.kernel.SignalOps;
import dev.cryo.sentry.kernel.TaskSignals;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Signal dispositions, masks, the alternate stack, waiting for signals and returning from a
 * handler (kernel/signal.c, arch/x86/kernel/signal.c). Delivery itself is the kernel's
 * ({@code SignalDelivery}), before each return to the application.
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
        t.supported(Sysno.RT_SIGACTION, SysSignal::rtSigaction, SIGNAL, PTR, PTR, SIZE);
        t.supported(Sysno.RT_SIGPROCMASK, SysSignal::rtSigprocmask, INT, PTR, PTR, SIZE);
        t.supported(Sysno.RT_SIGPENDING, SysSignal::rtSigpending, PTR, SIZE);
        t.supported(Sysno.SIGALTSTACK, SysSignal::sigaltstack, PTR, PTR);
        t.supported(Sysno.RT_SIGSUSPEND, SysSignal::rtSigsuspend, PTR, SIZE);
        t.supported(Sysno.PAUSE, SysSignal::pause);
        t.supported(Sysno.RT_SIGTIMEDWAIT, SysSignal::rtSigtimedwait, PTR, PTR, PTR, SIZE);
        t.supported(Sysno.RT_SIGRETURN, SysSignal::rtSigreturn);
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
        SignalAction old = SignalOps.setAction(t, sig, next);
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

    /** Implements Linux rt_sigpending(2): the pending signals that are blocked, {@code sigsetsize} bytes of them. */
    static long rtSigpending(Task t) {
        long size = t.arg(1);
        if (size < 0 || size > SIGSET_SIZE) throw SyscallError.of(EINVAL);
        long set = t.pendingSignals() & t.signalMask();
        byte[] b = SysTime.longsToBytes(new long[] {set});
        t.mm().usermem().write(t.arg(0), b, 0, (int) size);
        return 0;
    }

    /** Implements Linux sigaltstack(2). */
    static long sigaltstack(Task t) {
        long ss = t.arg(0), oss = t.arg(1);
        Usermem mem = t.mm().usermem();
        long sp = t.regs()[Regs.RSP];
        TaskSignals ts = t.signals();
        long oldSp = ts.altSp(), oldSize = ts.altSize();
        int oldFlags = ts.altFlags();
        int reported = ts.altStackReportedFlags(sp) | (oldFlags & Signals.SS_AUTODISARM);
        if (ss != 0) {
            ByteBuffer b = ByteBuffer.wrap(mem.read(ss, STACK_T_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
            int err = ts.setAltStack(b.getLong(0), b.getInt(8), b.getLong(16), sp, Signals.MINSIGSTKSZ);
            if (err != 0) throw SyscallError.of(err);
        }
        if (oss != 0) {
            ByteBuffer b = ByteBuffer.allocate(STACK_T_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(0, oldSp).putInt(8, reported).putLong(16, oldSize);
            mem.write(oss, b.array());
        }
        return 0;
    }

    /** on_sig_stack(): whether {@code sp} is inside the alternate stack (never, with SS_AUTODISARM). */
    static boolean onAltStack(Task t, long sp) {
        return t.signals().onAltStack(sp);
    }

    /**
     * Implements Linux rt_sigsuspend(2): waits with the given mask until a signal is delivered;
     * the old mask comes back after its handler (the frame carries it). Always "fails":
     * ERESTARTNOHAND, so EINTR once a handler ran, and a transparent restart after a freeze.
     */
    static long rtSigsuspend(Task t) {
        if (t.arg(1) != SIGSET_SIZE) throw SyscallError.of(EINVAL);
        long mask = t.mm().usermem().readLong(t.arg(0));
        t.setTemporaryMask(mask);
        SignalOps.waitInterruptible(t, Long.MAX_VALUE);
        throw SyscallError.of(Errno.ERESTARTNOHAND);
    }

    /** Implements Linux pause(2). */
    static long pause(Task t) {
        SignalOps.waitInterruptible(t, Long.MAX_VALUE);
        throw SyscallError.of(Errno.ERESTARTNOHAND);
    }

    /**
     * Implements Linux rt_sigtimedwait(2): takes a pending signal of the set, waiting for one
     * until the timeout (EAGAIN); a handled signal outside the set ends the wait with EINTR.
     */
    static long rtSigtimedwait(Task t) {
        if (t.arg(3) != SIGSET_SIZE) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        long set = mem.readLong(t.arg(0)) & ~UNBLOCKABLE;
        long timeout = t.arg(2) == 0 ? -1 : SysTime.readTimespec(mem, t.arg(2));
        SigInfo info = t.takeSignal(set);
        if (info == null) {
            if (timeout == 0) throw SyscallError.of(EAGAIN);
            long deadline = timeout < 0 ? Long.MAX_VALUE : t.kernel().uptimeNanos() + timeout;
            boolean woken = SignalOps.waitForSet(t, set, deadline);
            info = t.takeSignal(set);
            if (info == null) {
                if (!woken) throw SyscallError.of(EAGAIN);
                throw SyscallError.of(Errno.ERESTARTNOHAND); // another signal (EINTR with its handler) or a freeze
            }
        }
        if (t.arg(1) != 0) mem.write(t.arg(1), info.bytes());
        return info.signo();
    }

    /** Implements Linux rt_sigreturn(2); a bad frame is SIGSEGV. */
    static long rtSigreturn(Task t) {
        return SignalOps.sigreturn(t);
    }
}
