package dev.cryo.sentry.vfs;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENODEV;
import static dev.cryo.sentry.abi.Errno.ENOSYS;
import static dev.cryo.sentry.abi.Errno.ENOTDIR;
import static dev.cryo.sentry.abi.Errno.ENOTTY;
import static dev.cryo.sentry.abi.Errno.ESPIPE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.serializer.Savable;

/**
 * An open file description (Linux's struct file): what a descriptor points at, shared by dup'ed
 * descriptors. Holds the access mode, status flags and, for seekable files, the offset. Each
 * filesystem subclasses it; the defaults are Linux's answers for a file that lacks the operation.
 *
 * <p>Reference-counted by the descriptor tables that hold it: {@link FdTable} calls
 * {@link #incRef()} on install and {@link #decRef()} on close; the last decRef releases.
 *
 * <p>Saved with the kernel: flags and the reference count are saved; each subclass says what it
 * saves and what it rebuilds (host-backed ones are {@link HostBacked}).
 */
@Savable
public abstract class FileDescription {
    /** O_ACCMODE bits and status flags (O_APPEND, O_NONBLOCK, ...), as open(2) took them. */
    protected int flags;
    private int refs;
    /** The flock(2) lock this description holds, or null. */
    Flock flock;

    protected FileDescription(int flags) {
        this.flags = flags;
    }

    /** For Kryo. */
    protected FileDescription() {}

    public int flags() {
        return flags;
    }

    /** F_SETFL: only O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME and O_NONBLOCK can change. */
    public void setStatusFlags(int newFlags) {
        int changeable = OpenFlags.O_APPEND | OpenFlags.O_NONBLOCK | OpenFlags.O_ASYNC
                | OpenFlags.O_DIRECT | OpenFlags.O_NOATIME;
        flags = (flags & ~changeable) | (newFlags & changeable);
    }

    /** An O_PATH description: only good as a dirfd, for fstat, fchdir and fcntl (Linux's FMODE_PATH). */
    public final boolean isPathOnly() {
        return (flags & OpenFlags.O_PATH) != 0;
    }

    public boolean readable() {
        if (isPathOnly()) return false;
        int acc = flags & OpenFlags.O_ACCMODE;
        return acc == OpenFlags.O_RDONLY || acc == OpenFlags.O_RDWR;
    }

    public boolean writable() {
        if (isPathOnly()) return false;
        int acc = flags & OpenFlags.O_ACCMODE;
        return acc == OpenFlags.O_WRONLY || acc == OpenFlags.O_RDWR;
    }

    /** Reads at the current offset into application memory [addr, addr+len); advances it. EBADF if not open for reading is the caller's check. */
    public long read(Usermem mem, long addr, long len) {
        throw SyscallError.of(EINVAL);
    }

    /** Writes [addr, addr+len) at the current offset (or the end, with O_APPEND). */
    public long write(Usermem mem, long addr, long len) {
        throw SyscallError.of(EINVAL);
    }

    public long pread(Usermem mem, long addr, long len, long offset) {
        throw SyscallError.of(ESPIPE);
    }

    public long pwrite(Usermem mem, long addr, long len, long offset) {
        throw SyscallError.of(ESPIPE);
    }

    public long seek(long offset, int whence) {
        throw SyscallError.of(ESPIPE);
    }

    /** Fills a struct stat (144 bytes, x86-64 layout) for fstat(2). */
    public abstract byte[] stat();

    /** A struct statfs (120 bytes) for fstatfs(2). */
    public byte[] statfs() {
        throw SyscallError.of(ENOSYS);
    }

    /** fsync(2) and fdatasync(2): EINVAL for files that cannot be synced (pipes, ttys), as Linux. */
    public void fsync() {
        throw SyscallError.of(EINVAL);
    }

    public final boolean isDirectory() {
        return Stat.isDir(stat());
    }

    /** poll(2)'s event bits (include/uapi/asm-generic/poll.h). */
    public static final int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10,
            POLLNVAL = 0x20, POLLRDNORM = 0x40, POLLWRNORM = 0x100;

    /**
     * Which events are ready now, as a file's poll operation reports them; Linux's answer for
     * files without one (regular files, most devices) is that they are always ready.
     */
    public int pollReady() {
        return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    }

    /**
     * A count that moves with each event that wakes this file's waiters (data arriving, room
     * made, an end closed), for edge-triggered epoll; 0 for files whose readiness never changes.
     */
    public long pollEvents() {
        return 0;
    }

    /**
     * When this file becomes ready by itself, as System.nanoTime() (a timer's expiry), or
     * Long.MAX_VALUE: waits that watch it wake by then.
     */
    public long pollDeadline() {
        return Long.MAX_VALUE;
    }

    /** Whether readiness can change without the Sentry knowing (host descriptors): poll re-checks it periodically. */
    public boolean pollsHost() {
        return false;
    }

    public long ioctl(Usermem mem, long request, long arg) {
        throw SyscallError.of(ENOTTY);
    }

    /** getdents64(2) into [addr, addr+len); returns bytes written, 0 at the end. */
    public long getdents64(Usermem mem, long addr, long len) {
        throw SyscallError.of(ENOTDIR);
    }

    /** What mmap(2) copies from, for files that can be mapped; ENODEV for the rest. */
    public MappingSource mappable() {
        throw SyscallError.of(ENODEV);
    }

    /**
     * After a restore, before anything runs: what is inconsistent in this description's loaded
     * state (an image is untrusted input), or null. Each kind checks what its operations rely on.
     */
    public String checkLoaded() {
        if (flock != null) {
            String bad = flock.checkLoaded();
            if (bad != null) return bad;
        }
        return refs <= 0 ? "a description with no reference" : null;
    }

    /** The path this description was opened at, in the sandbox (for /proc/self/fd, strace). */
    public abstract String path();

    public final void incRef() {
        refs++;
    }

    public final void decRef() {
        if (--refs == 0) {
            if (flock != null) flock.drop(this); // the last close lets a flock go
            release();
        }
    }

    /** Releases host resources once no descriptor refers to this description. */
    protected void release() {}

    protected static SyscallError badf() {
        return SyscallError.of(EBADF);
    }
}
