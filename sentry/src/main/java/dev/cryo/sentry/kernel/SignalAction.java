package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;

/**
 * One signal's disposition (struct sigaction as the kernel stores it): handler address
 * (0 = SIG_DFL, 1 = SIG_IGN), SA_* flags, restorer and the mask to block while handling.
 */
@Savable
public final class SignalAction {
    public long handler;
    public long flags;
    public long restorer;
    public long mask;

    public SignalAction copy() {
        SignalAction a = new SignalAction();
        a.handler = handler;
        a.flags = flags;
        a.restorer = restorer;
        a.mask = mask;
        return a;
    }
}
