package dev.cryo.platform.host;

/**
 * A host call failed with {@code errno}. The Sentry turns it into a guest errno in exactly one
 * place; the number here is the host's. Carries no stack trace: it is used for control flow on
 * hot paths (a missing file is not exceptional).
 */
public final class HostException extends RuntimeException {
    private final int errno;
    private final String call;

    public HostException(String call, int errno) {
        super(null, null, false, false);
        this.call = call;
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public String call() {
        return call;
    }

    @Override
    public String getMessage() {
        return call + ": " + Host.strerror(errno) + " (errno " + errno + ")";
    }
}
