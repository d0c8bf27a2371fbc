package dev.cryo.sentry.fs.dev;

import dev.cryo.sentry.vfs.Stat;

/**
 * The memory devices the Sentry serves itself (drivers/char/mem.c, drivers/char/random.c):
 * character major 1, these minors. No host device node is ever opened for them.
 *
 * <p>Images store a device by its ordinal (Kryo's enum serializer): append new devices, never
 * reorder or remove one.
 */
public enum Device {
    NULL("null", 3),
    ZERO("zero", 5),
    FULL("full", 7),
    RANDOM("random", 8),
    URANDOM("urandom", 9);

    public static final int MAJOR = 1;
    /** Device number of the /dev filesystem these appear in (a devtmpfs-like anonymous one). */
    static final long FS_DEV = Stat.makedev(0, 5);

    final String name;
    final int minor;

    Device(String name, int minor) {
        this.name = name;
        this.minor = minor;
    }

    /** The canonical sandbox path it is served at. */
    public String path() {
        return "/dev/" + name;
    }

    public long rdev() {
        return Stat.makedev(MAJOR, minor);
    }

    /** The device at canonical sandbox path {@code path} ("/dev/null"), or null. */
    public static Device byPath(String path) {
        if (!path.startsWith("/dev/")) return null;
        for (Device d : values()) {
            if (d.path().equals(path)) return d;
        }
        return null;
    }

    /** The device a host node's st_rdev names, or null for any other device. */
    public static Device byRdev(long rdev) {
        if (Stat.major(rdev) != MAJOR) return null;
        for (Device d : values()) {
            if (d.minor == Stat.minor(rdev)) return d;
        }
        return null;
    }

    /** Its struct stat: crw-rw-rw- root root, as on Linux. */
    public byte[] stat() {
        return Stat.synthetic(FS_DEV, 100 + minor, Stat.S_IFCHR | 0666, rdev(), 4096, 0);
    }
}
