package dev.cryo.sentry.memory;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;

/**
 * Fills a restored memory file from its image while the sandbox already runs (a lazy restore,
 * as gVisor's asynchronous page loading and CRIU's lazy pages): restore-to-running then no
 * longer grows with the sandbox's memory. A background thread loads the image piece by piece, in
 * file order; whatever needs a piece first (a fault mapping it into a stub, the Sentry copying
 * in or out, a checkpoint) loads it itself through {@link #await}, or waits for the piece in
 * flight. The image was checked (checksums, bounds) before any task ran: loading only copies.
 *
 * <p>Thread-safe: pieces are loaded one at a time under this object's lock, which is what an
 * awaiting task waits on.
 */
public final class MemoryLoader {
    /** A piece: small enough that a task waiting for one is not held up long. */
    static final long PIECE = 2L << 20;

    private final String source;
    private final long[] start;
    private final long[] length;
    private final long[] dataOffset;
    private final boolean[] loaded; // guarded by this
    private int left; // guarded by this
    private boolean closed; // guarded by this
    private RuntimeException failure; // guarded by this
    private final int in;
    /** A description of the memory file of our own: sendfile writes at its position. */
    private final int out;
    private final long started = System.nanoTime();
    private volatile long finishedNanos = -1;
    private MemoryFile file;

    /**
     * Loads runs {@code i} of {@code length[i]} bytes from {@code dataOffset[i]} of the image file
     * {@code in} (which this loader then owns) to {@code fileOffset[i]} of the memory file. Runs
     * are in file-offset order and do not overlap (the restorer checked).
     */
    public MemoryLoader(String source, int in, int memoryFd, long[] fileOffset, long[] length, long[] dataOffset) {
        this.source = source;
        this.in = in;
        int n = 0;
        for (long len : length) n += (int) ((len + PIECE - 1) / PIECE);
        this.start = new long[n];
        this.length = new long[n];
        this.dataOffset = new long[n];
        this.loaded = new boolean[n];
        int k = 0;
        for (int r = 0; r < fileOffset.length; r++) {
            for (long done = 0; done < length[r]; done += PIECE, k++) {
                start[k] = fileOffset[r] + done;
                this.length[k] = Math.min(PIECE, length[r] - done);
                this.dataOffset[k] = dataOffset[r] + done;
            }
        }
        this.left = n;
        this.out = Host.openat(-100, "/proc/self/fd/" + memoryFd, 2 /* O_RDWR */ | 02000000 /* O_CLOEXEC */, 0);
    }

    /** Starts the background load; the memory file forgets the loader once everything is in. */
    void start(MemoryFile mf) {
        this.file = mf;
        Thread t = new Thread(this::loadAll, "cryo-memory-loader");
        t.setDaemon(true);
        t.start();
    }

    private void loadAll() {
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

    private synchronized void load(int i) {
        if (loaded[i]) return;
        if (failure != null) throw failure;
        if (closed) throw new IllegalStateException("the memory file is closed");
        try {
            Host.lseek(out, start[i], 0 /* SEEK_SET */);
            Host.sendfile(out, in, dataOffset[i], length[i]);
        } catch (HostException e) {
            failure = new MemoryLoadException(source + ": the image could not be read back at byte " + dataOffset[i]
                    + " (" + e.getMessage() + "); it changed after the restore checked it", e);
            throw failure;
        }
        loaded[i] = true;
        if (--left == 0) {
            finishedNanos = System.nanoTime() - started;
            closeFiles();
            file.loaded(this);
        }
    }

    /** Stops loading (the sandbox ends); what was not loaded never will be. */
    synchronized void close() {
        if (!closed && left > 0) closeFiles();
        closed = true;
    }

    private void closeFiles() {
        Host.close(in);
        Host.close(out);
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
