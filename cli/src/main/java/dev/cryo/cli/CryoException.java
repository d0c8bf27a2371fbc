package dev.cryo.cli;

/**
 * A failure the user should see as one line, {@code cryo: MESSAGE}, and an exit status (125, cryo's
 * own failure, unless said otherwise: docker's convention). Carries no stack trace: it is not a bug.
 */
final class CryoException extends RuntimeException {
    private final int status;

    CryoException(String message) {
        this(message, 125);
    }

    CryoException(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
