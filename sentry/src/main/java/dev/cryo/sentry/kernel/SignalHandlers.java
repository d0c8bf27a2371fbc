package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.serializer.Savable;

/**
 * The signal dispositions of a process (Linux's sighand_struct): one object shared by the
 * tasks cloned with CLONE_SIGHAND, copied by fork ({@link #copy}), reset by exec
 * ({@link #resetForExec}). Guarded by the owning {@link ProcessSignals}' monitor.
 */
@Savable
public final class SignalHandlers {
    /** Index = signal number (1..64). */
    final SignalAction[] actions = new SignalAction[Signals.NSIG + 1];

    public SignalHandlers() {
        for (int i = 1; i <= Signals.NSIG; i++) actions[i] = new SignalAction();
    }

    public SignalAction get(int sig) {
        return actions[sig];
    }

    /** fork(2) without CLONE_SIGHAND: the child starts with the same dispositions. */
    public SignalHandlers copy() {
        SignalHandlers h = new SignalHandlers();
        for (int i = 1; i <= Signals.NSIG; i++) h.actions[i] = actions[i].copy();
        return h;
    }

    /** execve(2): caught signals go back to their default; ignored ones stay ignored (flush_signal_handlers). */
    public void resetForExec() {
        for (int i = 1; i <= Signals.NSIG; i++) {
            SignalAction a = actions[i];
            if (a.handler != Signals.SIG_IGN) a.handler = Signals.SIG_DFL;
            a.flags = 0;
            a.restorer = 0;
            a.mask = 0;
        }
    }

    /** Whether {@code sig} would be dropped on arrival: ignored, or default-ignored (sig_ignored). */
    boolean ignored(int sig) {
        long h = actions[sig].handler;
        return h == Signals.SIG_IGN || (h == Signals.SIG_DFL && Signals.defaultIgnore(sig));
    }
}
