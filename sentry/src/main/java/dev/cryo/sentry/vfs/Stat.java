package dev.cryo.sentry.vfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Linux x86-64 struct stat (144 bytes, arch/x86/include/uapi/asm/stat.h) and struct statx
 * (256 bytes, include/uapi/linux/stat.h): reading fields of one, building one, and turning a
 * stat into a statx. Immutable helpers only.
 */
public final class Stat {
    private Stat() {}

    public static final int SIZE = 144, STATX_SIZE = 256;
    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 060000, S_IFDIR = 040000, S_IFCHR = 020000, S_IFIFO = 010000;
    /** STATX_BASIC_STATS: every field a struct stat carries. */
    public static final int STATX_BASIC_STATS = 0x7ff;

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static int mode(byte[] st) {
        return le(st).getInt(24);
    }

    public static int uid(byte[] st) {
        return le(st).getInt(28);
    }

    public static int gid(byte[] st) {
        return le(st).getInt(32);
    }

    public static long rdev(byte[] st) {
        return le(st).getLong(40);
    }

    public static long size(byte[] st) {
        return le(st).getLong(48);
    }

    /** st_mtime: seconds part. */
    public static long mtimeSec(byte[] st) {
        return le(st).getLong(88);
    }

    /** st_mtime: nanoseconds part. */
    public static long mtimeNsec(byte[] st) {
        return le(st).getLong(96);
    }

    public static int type(byte[] st) {
        return mode(st) & S_IFMT;
    }

    public static boolean isDir(byte[] st) {
        return type(st) == S_IFDIR;
    }

    public static boolean isRegular(byte[] st) {
        return type(st) == S_IFREG;
    }

    public static boolean isSymlink(byte[] st) {
        return type(st) == S_IFLNK;
    }

    /** Linux's new_encode_dev. */
    public static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    public static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    public static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }

    /** A struct stat for a file the Sentry serves itself (a device, a pipe). */
    public static byte[] synthetic(long dev, long ino, int mode, long rdev, long blksize, long timeSec) {
        byte[] b = new byte[SIZE];
        ByteBuffer bb = le(b);
        bb.putLong(0, dev);
        bb.putLong(8, ino);
        bb.putLong(16, 1);
        bb.putInt(24, mode);
        bb.putLong(40, rdev);
        bb.putLong(56, blksize);
        bb.putLong(72, timeSec);
        bb.putLong(88, timeSec);
        bb.putLong(104, timeSec);
        return b;
    }

    /** The struct statx for {@code st}, with STATX_BASIC_STATS set (no birth time). */
    public static byte[] toStatx(byte[] st) {
        ByteBuffer s = le(st);
        byte[] x = new byte[STATX_SIZE];
        ByteBuffer bb = le(x);
        bb.putInt(0, STATX_BASIC_STATS);
        bb.putInt(4, (int) s.getLong(56)); // blksize
        bb.putInt(16, (int) s.getLong(16)); // nlink
        bb.putInt(20, s.getInt(28)); // uid
        bb.putInt(24, s.getInt(32)); // gid
        bb.putShort(28, (short) s.getInt(24)); // mode
        bb.putLong(32, s.getLong(8)); // ino
        bb.putLong(40, s.getLong(48)); // size
        bb.putLong(48, s.getLong(64)); // blocks
        timestamp(bb, 64, s, 72); // atime
        timestamp(bb, 96, s, 104); // ctime
        timestamp(bb, 112, s, 88); // mtime
        long rdev = s.getLong(40), dev = s.getLong(0);
        bb.putInt(128, (int) major(rdev));
        bb.putInt(132, (int) minor(rdev));
        bb.putInt(136, (int) major(dev));
        bb.putInt(140, (int) minor(dev));
        return x;
    }

    private static void timestamp(ByteBuffer x, int at, ByteBuffer s, int from) {
        x.putLong(at, s.getLong(from));
        x.putInt(at + 8, (int) s.getLong(from + 8));
    }
}
