package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.serializer.Savable;

/**
 * One task's signal state (the signal fields of Linux's task_struct): its mask, the signals
 * sent to it alone, its alternate stack, and the process-wide parts it shares with its thread
 * group ({@link ProcessSignals}) and with the tasks it shares dispositions with
 * ({@link SignalHandlers}). Guarded by the kernel's {@link SignalLock}, except that the task's
 * own thread may read its mask and alternate stack without it.
 */
@Savable
public final class TaskSignals {
    static final long UNBLOCKABLE = Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP);

    ProcessSignals process;
    SignalHandlers handlers;
    final SignalQueue pending = new SignalQueue();
    long mask;
    /** The mask rt_sigsuspend (and pselect/ppoll) replaced, put back after the next delivery (saved_sigmask). */
    long savedMask;
    boolean restoreSavedMask;
    long altSp, altSize;
    int altFlags = Signals.SS_DISABLE;
    /** The last fault's trap number, error code and address, for the sigcontext (thread.trap_nr, error_code, cr2). */
    long trapNo, errorCode, cr2;

    /** A first task: default dispositions, nothing pending, nothing blocked. */
    public TaskSignals() {
        this.process = new ProcessSignals();
        this.handlers = new SignalHandlers();
    }

    private TaskSignals(ProcessSignals process, SignalHandlers handlers) {
        this.process = process;
        this.handlers = handlers;
    }

    /**
     * The signal state of a task cloned from this one (copy_sighand, copy_signal): the mask is
     * inherited and nothing is pending; CLONE_THREAD shares the process part, CLONE_SIGHAND the
     * dispositions (else copied); the alternate stack is kept unless the memory is shared
     * (CLONE_VM without CLONE_VFORK clears it, as copy_process does).
     */
    public TaskSignals forClone(boolean thread, boolean shareHandlers, boolean clearAltStack) {
        TaskSignals c = new TaskSignals(thread ? process : new ProcessSignals(), shareHandlers ? handlers : handlers.copy());
        c.mask = mask;
        if (!clearAltStack) {
            c.altSp = altSp;
            c.altSize = altSize;
            c.altFlags = altFlags;
        }
        return c;
    }

    /**
     * execve(2): dispositions become private and caught signals default, the alternate stack
     * goes; the mask and pending signals stay (de_thread, flush_signal_handlers).
     */
    public void onExec() {
        handlers = handlers.copy();
        handlers.resetForExec();
        altSp = 0;
        altSize = 0;
        altFlags = Signals.SS_DISABLE;
    }

    public ProcessSignals process() {
        return process;
    }

    public SignalHandlers handlers() {
        return handlers;
    }

    /** Signals pending for this task: its own and its process's. */
    long pendingSet() {
        return pending.set | process.shared.set;
    }

    /** on_sig_stack(): whether {@code sp} is on the alternate stack (never, with SS_AUTODISARM). */
    public boolean onAltStack(long sp) {
        if ((altFlags & Signals.SS_AUTODISARM) != 0) return false;
        return rawOnAltStack(sp);
    }

    /** __on_sig_stack(): whether {@code sp} is on the alternate stack, whatever the flags. */
    boolean rawOnAltStack(long sp) {
        return Long.compareUnsigned(sp, altSp) > 0 && Long.compareUnsigned(sp - altSp, altSize) <= 0;
    }

    /** sas_ss_flags(): what sigaltstack and a signal frame report as ss_flags. */
    public int altStackReportedFlags(long sp) {
        if (altSize == 0) return Signals.SS_DISABLE;
        return onAltStack(sp) ? Signals.SS_ONSTACK : 0;
    }

    /**
     * do_sigaltstack(): sets the alternate stack as sigaltstack(2) asks, with its checks;
     * returns 0 or the errno (EPERM while on the stack, EINVAL for bad flags, ENOMEM if too small).
     */
    public int setAltStack(long sp, int flags, long size, long currentSp, long minSize) {
        if (onAltStack(currentSp)) return dev.cryo.sentry.abi.Errno.EPERM;
        int mode = flags & ~Signals.SS_AUTODISARM;
        if (mode != Signals.SS_DISABLE && mode != Signals.SS_ONSTACK && mode != 0) return dev.cryo.sentry.abi.Errno.EINVAL;
        if (sp == altSp && size == altSize && flags == altFlags) return 0;
        if (mode == Signals.SS_DISABLE) {
            sp = 0;
            size = 0;
        } else if (Long.compareUnsigned(size, minSize) < 0) {
            return dev.cryo.sentry.abi.Errno.ENOMEM;
        }
        altSp = sp;
        altSize = size;
        altFlags = flags;
        return 0;
    }

    public long altSp() {
        return altSp;
    }

    public long altSize() {
        return altSize;
    }

    public int altFlags() {
        return altFlags;
    }
}
