package dev.cryo.serializer;

/** A saved image is unusable: corrupt, truncated, from another format version, or hostile. */
public final class ImageException extends Exception {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
