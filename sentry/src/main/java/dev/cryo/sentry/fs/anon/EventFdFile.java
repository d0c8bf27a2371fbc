package dev.cryo.sentry.fs.anon;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EINVAL;

import dev.cryo.serializer.Savable;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;

/**
 * An eventfd (fs/eventfd.c): a 64-bit counter that writes add to and reads take, all of it or,
 * as a semaphore, one. A read waits while it is 0, a write while it would reach 2^64 - 1.
 * Guarded by the kernel lock.
 */
@Savable
public final class EventFdFile extends FileDescription {
    public static final int EFD_SEMAPHORE = 1;
    /** ULLONG_MAX: the counter never reaches it. */
    private static final long ULLONG_MAX = -1L;

    private final KernelLock lock;
    private final long ino;
    private final boolean semaphore;
    private long count;
    /** Reads and writes, counted, for edge-triggered epoll. */
    private long events;

    public EventFdFile(KernelLock lock, long ino, long initial, int flags) {
        super(OpenFlags.O_RDWR | (flags & OpenFlags.O_NONBLOCK));
        this.lock = lock;
        this.ino = ino;
        this.count = initial;
        this.semaphore = (flags & EFD_SEMAPHORE) != 0;
    }

    /** For Kryo. */
    private EventFdFile() {
        this.lock = null;
        this.ino = 0;
        this.semaphore = false;
    }

    private boolean nonblock() {
        return (flags & OpenFlags.O_NONBLOCK) != 0;
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        if (len < 8) throw SyscallError.of(EINVAL);
        while (count == 0) {
            if (nonblock()) throw SyscallError.of(EAGAIN);
            lock.await();
        }
        // The value is taken before it is copied out: a bad buffer loses it (EFAULT), as in Linux.
        long v = semaphore ? 1 : count;
        count -= v;
        events++;
        lock.wake();
        mem.writeLong(addr, v);
        return 8;
    }

    @Override
    public long write(Usermem mem, long addr, long len) {
        if (len < 8) throw SyscallError.of(EINVAL);
        long v = mem.readLong(addr);
        if (v == ULLONG_MAX) throw SyscallError.of(EINVAL);
        while (Long.compareUnsigned(ULLONG_MAX - count, v) <= 0) {
            if (nonblock()) throw SyscallError.of(EAGAIN);
            lock.await();
        }
        count += v;
        events++;
        lock.wake();
        return 8;
    }

    @Override
    public int pollReady() {
        int mask = 0;
        if (count != 0) mask |= POLLIN | POLLRDNORM;
        if (count == ULLONG_MAX) mask |= POLLERR;
        if (Long.compareUnsigned(ULLONG_MAX - 1, count) > 0) mask |= POLLOUT | POLLWRNORM;
        return mask;
    }

    @Override
    public long pollEvents() {
        return events;
    }

    /** The counter now (tests, /proc's fdinfo). */
    public long count() {
        return count;
    }

    @Override
    public byte[] stat() {
        return Stat.synthetic(Stat.makedev(0, 13), ino, 0600, 0, 4096, 0);
    }

    @Override
    public String path() {
        return "anon_inode:[eventfd]";
    }
}
