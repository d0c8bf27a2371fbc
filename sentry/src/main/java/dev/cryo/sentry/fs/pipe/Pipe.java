package dev.cryo.sentry.fs.pipe;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EBUSY;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.EPIPE;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.serializer.Savable;

/**
 * The pipe itself: a ring buffer and the number of open read and write ends. Guarded by the
 * kernel lock, which every caller holds; a blocked reader or writer waits on its condition.
 */
@Savable
public final class Pipe {
    /** PIPE_BUF: writes of at most this many bytes are atomic. */
    public static final int PIPE_BUF = 4096;
    /** The default capacity (16 pages), and the most an unprivileged F_SETPIPE_SZ may ask (pipe-max-size). */
    public static final int DEFAULT_SIZE = 65536, MAX_SIZE = 1 << 20;

    private final KernelLock lock;
    /** For fstat's st_ino. */
    final long ino;
    private byte[] buf = new byte[DEFAULT_SIZE];
    /** Index of the first buffered byte, and how many there are. */
    private int head, count;
    int readers, writers;

    Pipe(KernelLock lock, long ino) {
        this.lock = lock;
        this.ino = ino;
    }

    /** For Kryo. */
    private Pipe() {
        this.lock = null;
        this.ino = 0;
    }

    /** Makes a pipe and its two ends, [read, write], with the status flags pipe2 was given. */
    public static PipeFile[] create(KernelLock lock, long ino, int statusFlags) {
        Pipe p = new Pipe(lock, ino);
        return new PipeFile[] {new PipeFile(p, true, statusFlags), new PipeFile(p, false, statusFlags)};
    }

    int buffered() {
        return count;
    }

    int capacity() {
        return buf.length;
    }

    /** pipe_read: what is there (up to len), EOF once no writer is left, else waits (or EAGAIN). */
    long read(Usermem mem, long addr, long len, boolean nonblock) {
        if (len == 0) return 0;
        while (count == 0) {
            if (writers == 0) return 0;
            if (nonblock) throw SyscallError.of(EAGAIN);
            lock.await();
        }
        int n = (int) Math.min(len, count);
        mem.check(addr, n, true); // EFAULT before anything is consumed
        long[] done = {0};
        mem.visit(addr, n, true, (host, m) -> {
            long left = m;
            while (left > 0) {
                int at = (int) ((head + done[0]) % buf.length);
                int k = (int) Math.min(left, buf.length - at);
                Host.putBytes(host + (m - left), buf, at, k);
                left -= k;
                done[0] += k;
            }
            return m;
        });
        head = (head + n) % buf.length;
        count -= n;
        if (count == 0) head = 0;
        lock.wake();
        return n;
    }

    /**
     * pipe_write: EPIPE without readers; a write of at most PIPE_BUF goes in whole or waits; a
     * larger one goes in as space frees, returning what it wrote if interrupted or, non-blocking,
     * once the pipe is full.
     */
    long write(Usermem mem, long addr, long len, boolean nonblock) {
        if (readers == 0) throw SyscallError.of(EPIPE);
        if (len == 0) return 0;
        mem.check(addr, len, false);
        long written = 0;
        while (written < len) {
            if (readers == 0) {
                if (written > 0) return written;
                throw SyscallError.of(EPIPE);
            }
            long left = len - written;
            int free = buf.length - count;
            boolean atomic = len <= PIPE_BUF;
            if (free == 0 || (atomic && free < left)) {
                if (nonblock) {
                    if (written > 0) return written;
                    throw SyscallError.of(EAGAIN);
                }
                try {
                    lock.await();
                } catch (SyscallError e) {
                    if (written > 0) return written; // a partial write is reported, not restarted
                    throw e;
                }
                continue;
            }
            int n = (int) Math.min(left, free);
            int tail = (head + count) % buf.length;
            long src = addr + written;
            long[] done = {0};
            mem.visit(src, n, false, (host, m) -> {
                long rest = m;
                while (rest > 0) {
                    int at = (int) ((tail + done[0]) % buf.length);
                    int k = (int) Math.min(rest, buf.length - at);
                    Host.getBytes(host + (m - rest), buf, at, k);
                    rest -= k;
                    done[0] += k;
                }
                return m;
            });
            count += n;
            written += n;
            lock.wake();
        }
        return written;
    }

    /**
     * F_SETPIPE_SZ: the size rounded up to a power of two pages, at least one page; EBUSY if
     * the bytes in flight would not fit, EPERM past pipe-max-size. Returns the new size.
     */
    int resize(long size) {
        if (size > MAX_SIZE || size < 0) throw SyscallError.of(EPERM);
        int n = PIPE_BUF;
        while (n < size) n <<= 1;
        if (n < count) throw SyscallError.of(EBUSY);
        byte[] nb = new byte[n];
        for (int i = 0; i < count; i++) nb[i] = buf[(head + i) % buf.length];
        buf = nb;
        head = 0;
        lock.wake();
        return n;
    }

    void closeEnd(boolean reader) {
        if (reader) readers--;
        else writers--;
        lock.wake();
    }
}
