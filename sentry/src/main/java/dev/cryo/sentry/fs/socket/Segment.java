package dev.cryo.sentry.fs.socket;

import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.serializer.Savable;

/**
 * One sent message (Linux's sk_buff on a receive queue): its bytes, what of them a stream
 * reader has taken, and the open files it carries (SCM_RIGHTS), held by reference while in
 * flight. A datagram is read whole or not at all; a stream reader may take part of one.
 */
@Savable
public final class Segment {
    byte[] data;
    int off;
    /** The files in flight with it, or null; each holds one reference until received or dropped. */
    FileDescription[] rights;
    /** What it counts against its sender's send buffer (Linux's truesize, approximated). */
    int charge;
    /** The sender's pid, uid and gid when it was sent (SCM_CREDENTIALS). */
    int pid, uid, gid;

    Segment(byte[] data, FileDescription[] rights, int charge) {
        this.data = data;
        this.rights = rights;
        this.charge = charge;
    }

    /** For Kryo. */
    private Segment() {}

    int remaining() {
        return data.length - off;
    }

    /** Drops the files it carries (its receiver is gone, or had no room for them). */
    void dropRights() {
        if (rights == null) return;
        FileDescription[] r = rights;
        rights = null;
        for (FileDescription f : r) f.decRef();
    }
}
