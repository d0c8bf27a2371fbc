package dev.cryo.sentry.memory;

import dev.cryo.platform.host.Host;

/**
 * Fills a restored memory file from its image while the sandbox already runs (a lazy restore,
 * as gVisor's asynchronous page loading and CRIU's lazy pages): restore-to-running then no
 * longer grows with the sandbox's memory. A background thread loads the image piece by piece, in
 * file order; whatever needs a piece first (a fault mapping it into a stub, the Sentry copying
 * in or out, a checkpoint) loads it itself through {@link #await}, or waits for the piece in
 * flight. The image was checked (checksums, bounds) before any task ran: loading only copies.
 *
 * <p>Thread-safe: pieces are loaded one at a time under a fair lock, which is what an awaiting
 * task waits on. Fair, because the background thread takes it again at once after each piece:
 * an unfair lock (a JVM monitor) lets it barge ahead of a waiting task piece after piece, and
 * the task could wait for the whole load.
 */
public final class MemoryLoader {
    /** A piece of a page file: small enough that a task waiting for one is not held up long. */
    static final long PIECE = 2L << 20;

    /** Puts pieces of a saved memory file in place: from a page file, from the snapshot store... */
    public interface Filler {
        /**
         * Fills piece {@code piece}, [fileOffset, fileOffset+length) of the memory file, whose
         * bytes are at {@code address} in this process. Called one piece at a time.
         */
        void fill(int piece, long fileOffset, long length, long address) throws Exception;

        /** Releases what the filler holds: once, after the last piece or when the load stops. */
        void close();
    }

    private final String source;
    private final long[] start;
    private final long[] length;
    private final Filler filler;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock(true);
    private final boolean[] loaded; // guarded by lock
    private int left; // guarded by lock
    private boolean closed; // guarded by lock
    private RuntimeException failure; // guarded by lock
    private final long started = System.nanoTime();
    private volatile long finishedNanos = -1;
    private MemoryFile file;

    /**
     * Loads piece {@code i}, {@code length[i]} bytes at {@code start[i]} of the memory file, through
     * {@code filler} (which this loader then owns). Pieces are in offset order and do not overlap.
     */
    public MemoryLoader(String source, long[] start, long[] length, Filler filler) {
        this.source = source;
        this.start = start;
        this.length = length;
        this.filler = filler;
        this.loaded = new boolean[start.length];
        this.left = start.length;
    }

    /**
     * A loader from a page file: run {@code i}, {@code length[i]} bytes at {@code dataOffset[i]}
     * of the file {@code in} (which the loader then owns), goes to {@code fileOffset[i]} of the
     * memory file, in pieces of {@link #PIECE} bytes copied by sendfile (inside the host kernel).
     */
    public static MemoryLoader ofPageFile(String source, int in, int memoryFd, long[] fileOffset, long[] length,
            long[] dataOffset) {
        int n = 0;
        for (long len : length) n += (int) ((len + PIECE - 1) / PIECE);
        long[] start = new long[n], len = new long[n], data = new long[n];
        int k = 0;
        for (int r = 0; r < fileOffset.length; r++) {
            for (long done = 0; done < length[r]; done += PIECE, k++) {
                start[k] = fileOffset[r] + done;
                len[k] = Math.min(PIECE, length[r] - done);
                data[k] = dataOffset[r] + done;
            }
        }
        // A description of the memory file of our own: sendfile writes at its position.
        int out = Host.openat(-100, "/proc/self/fd/" + memoryFd, 2 /* O_RDWR */ | 02000000 /* O_CLOEXEC */, 0);
        return new MemoryLoader(source, start, len, new Filler() {
            @Override
            public void fill(int piece, long fileOffset, long length, long address) {
                Host.lseek(out, fileOffset, 0 /* SEEK_SET */);
                Host.sendfile(out, in, data[piece], length);
            }

            @Override
            public void close() {
                Host.close(in);
                Host.close(out);
            }
        });
    }

    /** Starts the background load; the memory file forgets the loader once everything is in. */
    void start(MemoryFile mf) {
        this.file = mf;
        Thread t = new Thread(this::loadAll, "cryo-memory-loader");
        t.setDaemon(true);
        t.start();
    }

    private void loadAll() {
        Host.unpinCurrentThread(); // started by the pinned main tracer thread: decompress beside it
        try {
            for (int i = 0; i < start.length; i++) load(i);
        } catch (RuntimeException e) {
            // Recorded in failure (or the file was closed): a task that needs the piece reports it.
        }
    }

    /** Returns once [off, off+len) of the memory file holds its saved contents. */
    public void await(long off, long len) {
        int i = first(off);
        long end = off + len;
        for (; i < start.length && start[i] < end; i++) load(i);
    }

    /** The first piece that ends after {@code off}. */
    private int first(long off) {
        int lo = 0, hi = start.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] + length[mid] <= off) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private void load(int i) {
        lock.lock();
        try {
            if (loaded[i]) return;
            if (failure != null) throw failure;
            if (closed) throw new IllegalStateException("the memory file is closed");
            try {
                filler.fill(i, start[i], length[i], file.rawAddress(start[i]));
            } catch (Exception e) {
                failure = new MemoryLoadException(source + ": memory at " + start[i] + " could not be loaded ("
                        + e.getMessage() + "); the image changed after the restore checked it", e);
                throw failure;
            }
            loaded[i] = true;
            if (--left == 0) {
                finishedNanos = System.nanoTime() - started;
                filler.close();
                file.loaded(this);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops loading (the sandbox ends); what was not loaded never will be. */
    void close() {
        lock.lock();
        try {
            if (!closed && left > 0) filler.close();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** How long the whole load took, in ns, or -1 while it goes on. */
    public long finishedNanos() {
        return finishedNanos;
    }

    /** A piece of the image could not be read after the restore had checked it. */
    public static final class MemoryLoadException extends RuntimeException {
        MemoryLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
