package dev.cryo.sentry.fs.host;

import dev.cryo.sentry.vfs.Stat;
import dev.cryo.serializer.Savable;

/**
 * What identifies a host file's content across a checkpoint (DESIGN.md rule 2): its type, and
 * for a regular file its size and mtime, from the stat taken when it was opened. Immutable; the
 * saved form of a host description's file.
 *
 * @param type the S_IFMT bits of st_mode
 */
@Savable
public record HostIdentity(int type, long size, long mtimeSec, long mtimeNsec) {
    public HostIdentity {
        if ((type & ~Stat.S_IFMT) != 0) throw new IllegalArgumentException("not a file type: " + type);
        if (mtimeNsec < 0 || mtimeNsec >= 1_000_000_000L) throw new IllegalArgumentException("mtime ns: " + mtimeNsec);
    }

    /** The identity in a struct stat. */
    public static HostIdentity of(byte[] st) {
        return new HostIdentity(Stat.type(st), Stat.size(st), Stat.mtimeSec(st), Stat.mtimeNsec(st));
    }

    /** Whether {@code other} has the same size and mtime (the type is compared on its own). */
    boolean sameContent(HostIdentity other) {
        return size == other.size && mtimeSec == other.mtimeSec && mtimeNsec == other.mtimeNsec;
    }
}
