package dev.cryo.platform;

/** The platform could not do what was asked: the host refused, or a stub process died. */
public class PlatformException extends RuntimeException {
    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
