package dev.cryo.sentry.fs.pipe;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EBUSY;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.EPIPE;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.serializer.Savable;
import java.util.ArrayList;

/**
 * The pipe itself, laid out as Linux's: a ring of page-sized slots (16 by default). A write
 * first tops up the last page with the part of it that is not a whole number of pages, if that
 * part fits there, then fills fresh pages; so what fits, what blocks and what EAGAIN returns are
 * the same as on Linux, and a write of at most PIPE_BUF bytes is never split. Guarded by the
 * kernel lock, which every caller holds; a blocked reader or writer waits on its condition.
 */
@Savable
public final class Pipe {
    /** PIPE_BUF: writes of at most this many bytes are atomic. */
    public static final int PIPE_BUF = 4096;
    /** The default number of slots, and the most bytes an unprivileged F_SETPIPE_SZ may ask (pipe-max-size). */
    static final int DEFAULT_SLOTS = 16, MAX_SIZE = 1 << 20;

    private final KernelLock lock;
    /** For fstat's st_ino. */
    final long ino;
    /** The occupied slots, oldest first (at most {@link #slots}). */
    private final ArrayList<PipePage> pages = new ArrayList<>();
    private int slots = DEFAULT_SLOTS;
    private int count;
    int readers, writers;
    /**
     * Events for each end, counted (Linux's wake-ups of rd_wait and wr_wait): bytes arrived or
     * the last writer left; room made or the last reader left. Edge-triggered epoll reports each.
     */
    long readEvents, writeEvents;

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
        return slots * PipePage.SIZE;
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
        mem.visit(addr, n, true, (host, m) -> {
            long done = 0;
            while (done < m) {
                PipePage p = pages.get(0);
                int k = (int) Math.min(m - done, p.len);
                Host.putBytes(host + done, p.data, p.off, k);
                p.off += k;
                p.len -= k;
                count -= k;
                done += k;
                if (p.len == 0) pages.remove(0);
            }
            return m;
        });
        writeEvents++;
        lock.wake();
        return n;
    }

    /**
     * pipe_write: EPIPE without readers; otherwise as much as the slots take, waiting for room
     * (or EAGAIN, or the bytes written so far when non-blocking or interrupted).
     */
    long write(Usermem mem, long addr, long len, boolean nonblock) {
        if (readers == 0) throw SyscallError.of(EPIPE);
        if (len == 0) return 0;
        mem.check(addr, len, false);
        long written = 0;
        // Merge the sub-page part into the last page if it fits there whole.
        int chars = (int) (len & (PipePage.SIZE - 1));
        if (chars != 0 && !pages.isEmpty()) {
            PipePage last = pages.get(pages.size() - 1);
            if (!last.spliced && last.off + last.len + chars <= PipePage.SIZE) {
                copyIn(mem, addr, last, chars);
                written = chars;
                readEvents++;
                lock.wake();
            }
        }
        while (written < len) {
            if (readers == 0) {
                if (written > 0) return written;
                throw SyscallError.of(EPIPE);
            }
            if (pages.size() < slots) {
                PipePage p = new PipePage();
                pages.add(p);
                copyIn(mem, addr + written, p, (int) Math.min(PipePage.SIZE, len - written));
                written += p.len;
                readEvents++;
                lock.wake();
                continue;
            }
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
        }
        return written;
    }

    /**
     * sendfile into the pipe, first (splice_file_to_pipe's wait_for_space): EPIPE without
     * readers, else the number of free slots once there is one, waiting for it (EAGAIN if
     * non-blocking). The caller then adds at most that many pages ({@link #addSplicedPage}),
     * holding the kernel lock throughout, and ends with {@link #splicedIn}.
     */
    int awaitSlots(boolean nonblock) {
        while (true) {
            if (readers == 0) throw SyscallError.of(EPIPE);
            if (pages.size() < slots) return slots - pages.size();
            if (nonblock) throw SyscallError.of(EAGAIN);
            lock.await();
        }
    }

    /** Adds [addr, addr+n), at most a page, as a slot of its own that writes do not merge into. */
    void addSplicedPage(Usermem mem, long addr, int n) {
        if (n <= 0 || n > PipePage.SIZE || pages.size() >= slots) throw new IllegalArgumentException("no slot for " + n);
        PipePage p = new PipePage();
        p.spliced = true;
        pages.add(p);
        copyIn(mem, addr, p, n);
    }

    /** After {@link #addSplicedPage}: one wake-up for the reader, as one splice makes. */
    void splicedIn() {
        readEvents++;
        lock.wake();
    }

    /** Appends {@code n} bytes from application memory to page {@code p}. */
    private void copyIn(Usermem mem, long addr, PipePage p, int n) {
        int at = p.off + p.len;
        long[] done = {0};
        mem.visit(addr, n, false, (host, m) -> {
            Host.getBytes(host, p.data, at + (int) done[0], (int) m);
            done[0] += m;
            return m;
        });
        p.len += n;
        count += n;
    }

    /**
     * F_SETPIPE_SZ: the size rounded up to a power of two pages, at least one page; EBUSY if
     * the occupied slots would not fit, EPERM past pipe-max-size. Returns the new size.
     */
    int resize(long size) {
        if (size > MAX_SIZE || size < 0) throw SyscallError.of(EPERM);
        int n = 1;
        while ((long) n * PipePage.SIZE < size) n <<= 1;
        if (n < pages.size()) throw SyscallError.of(EBUSY);
        slots = n;
        writeEvents++;
        lock.wake();
        return n * PipePage.SIZE;
    }

    /** What a loaded pipe's reads and writes would trip on: null if nothing. */
    String checkLoaded() {
        if (lock == null || pages == null) return "a pipe without its lock or pages";
        if (slots < 1 || slots > MAX_SIZE / PipePage.SIZE || Integer.bitCount(slots) != 1 || pages.size() > slots) {
            return "a pipe of " + slots + " slots holding " + (pages == null ? 0 : pages.size());
        }
        long sum = 0;
        for (PipePage p : pages) {
            if (p == null || p.data == null || p.data.length != PipePage.SIZE || p.off < 0 || p.len < 0
                    || p.off + p.len > PipePage.SIZE) {
                return "a pipe's bad page";
            }
            sum += p.len;
        }
        if (sum != count || readers < 0 || writers < 0) return "a pipe whose counts disagree";
        return null;
    }

    int pollReady(boolean readEnd) {
        int mask = 0;
        if (readEnd) {
            if (count > 0) mask |= FileDescription.POLLIN | FileDescription.POLLRDNORM;
            if (writers == 0) mask |= FileDescription.POLLHUP;
        } else {
            if (pages.size() < slots) mask |= FileDescription.POLLOUT | FileDescription.POLLWRNORM;
            if (readers == 0) mask |= FileDescription.POLLERR;
        }
        return mask;
    }

    void closeEnd(boolean reader) {
        if (reader) {
            readers--;
            writeEvents++;
        } else {
            writers--;
            readEvents++;
        }
        lock.wake();
    }
}
