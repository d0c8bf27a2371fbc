package dev.cryo.store;

import java.io.IOException;

/**
 * Something the store cannot do, said so a user can act on it: a damaged chunk, a full disk, a
 * hostile import file, an unknown snapshot. An operation that throws it has committed nothing;
 * what was committed before is intact.
 */
public class StoreException extends IOException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message for an I/O failure, naming a full disk as such (ENOSPC comes as a plain IOException). */
    static StoreException of(String what, IOException e) {
        if (e instanceof StoreException se) return se;
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
            return new StoreException(what + ": disk full (" + m + "); nothing was committed", e);
        }
        return new StoreException(what + ": " + m, e);
    }
}
