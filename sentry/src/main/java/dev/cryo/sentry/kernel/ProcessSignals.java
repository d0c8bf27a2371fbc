package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;

/**
 * The signals the process code raises: SIGPIPE on a write to a pipe without readers. Until
 * signal delivery exists (the signals work replaces the body of {@link #sigpipe} with a real
 * send), the signal's default action is applied directly: a process that neither ignores,
 * blocks nor handles SIGPIPE dies of it, as on Linux; one that does gets the EPIPE.
 */
public final class ProcessSignals {
    private ProcessSignals() {}

    /** SIGNALS: send SIGPIPE to {@code t} (send_sig(SIGPIPE, current, 0)). Kernel lock held. */
    public static void sigpipe(Task t) {
        SignalAction a = t.actions[Signals.SIGPIPE];
        boolean blocked = (t.signalMask & Signals.bit(Signals.SIGPIPE)) != 0;
        if (a.handler == Signals.SIG_DFL && !blocked) {
            t.kernel.traceSignal(t, Signals.SIGPIPE, 0, 0);
            t.killBySignal(Signals.SIGPIPE, false);
        }
    }
}
