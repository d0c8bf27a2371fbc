package dev.cryo.sentry.checkpoint;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.serializer.StateCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Writes a frozen kernel to an image (DESIGN.md rule 4 and issue #3): the object graph through
 * the state serializer, and the memory file's non-zero pages. Pages the host never populated
 * are skipped by SEEK_DATA/SEEK_HOLE, populated pages that are all zero by a vectorized compare;
 * the rest goes to the image by sendfile(2), a copy inside the host kernel.
 *
 * <p>The caller has frozen every task; nothing here runs application code.
 */
public final class Checkpointer {
    private static final long PAGE = MemoryFile.PAGE;
    private static final int O_WRONLY = 1, O_CREAT = 0100, O_TRUNC = 01000, O_CLOEXEC = 02000000;
    /** Largest stretch looked at through one ByteBuffer (which holds at most 2 GiB). */
    private static final int CHUNK = 1 << 30;
    private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect((int) PAGE);

    private Checkpointer() {}

    /** Saves {@code kernel} into {@code store}; returns the bytes of page data written. */
    public static long save(Kernel kernel, ImageStore store) throws IOException {
        return save(kernel, store, new StateCodec(SentryClasses.registry()));
    }

    /** As {@link #save(Kernel, ImageStore)} with a codec over {@link SentryClasses#registry()} made beforehand. */
    public static long save(Kernel kernel, ImageStore store, StateCodec codec) throws IOException {
        long t0 = System.nanoTime();
        kernel.memoryFile().awaitLoaded(); // a sandbox restored moments ago may still be filling
        byte[] state = codec.save(kernel);
        long t1 = System.nanoTime();
        MemoryFile mf = kernel.memoryFile();
        List<PageRun> runs = new ArrayList<>();
        Path pages = store.createPages();
        long written, t2;
        int out;
        try {
            out = Host.openat(-100, pages.toString(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        } catch (HostException e) {
            throw new IOException(pages + ": " + e.getMessage());
        }
        try {
            written = writePages(mf, out, runs);
            t2 = System.nanoTime();
            Host.fdatasync(out);
        } catch (HostException e) {
            throw new IOException(pages + ": " + e.getMessage());
        } finally {
            Host.close(out);
        }
        long t3 = System.nanoTime();
        store.commit(state, runs, mf.usage(), codec.registry().fingerprint());
        if (System.getenv("CRYO_TIMINGS") != null) {
            System.err.printf("cryo: checkpoint timings: graph %.1f ms (%d bytes), pages %.1f ms (%d MiB), sync %.1f ms,"
                    + " commit %.1f ms%n", (t1 - t0) / 1e6, state.length, (t2 - t1) / 1e6, written >> 20,
                    (t3 - t2) / 1e6, (System.nanoTime() - t3) / 1e6);
        }
        return written;
    }

    private static long writePages(MemoryFile mf, int out, List<PageRun> runs) {
        ExecutorService crcThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cryo-checkpoint-crc");
            t.setDaemon(true);
            return t;
        });
        try {
            return writePages(mf, out, runs, crcThread);
        } finally {
            crcThread.shutdownNow();
        }
    }

    private static long writePages(MemoryFile mf, int out, List<PageRun> runs, ExecutorService crcThread) {
        long dataOffset = 0;
        for (long[] range : mf.allocatedRanges()) {
            long pos = range[0], end = range[0] + range[1];
            while (pos < end) {
                long data = Host.seekData(mf.fd(), pos, true);
                if (data < 0 || data >= end) break;
                long hole = Math.min(end, Host.seekData(mf.fd(), data, false));
                for (long chunk = data; chunk < hole; chunk += CHUNK) {
                    long chunkEnd = Math.min(hole, chunk + CHUNK);
                    ByteBuffer b = Host.directBuffer(mf.address(chunk, chunkEnd - chunk), (int) (chunkEnd - chunk));
                    long runStart = -1;
                    for (long p = chunk; p <= chunkEnd; p += PAGE) {
                        boolean nonZero = p < chunkEnd && !isZero(b, (int) (p - chunk));
                        if (nonZero && runStart < 0) runStart = p;
                        if (!nonZero && runStart >= 0) {
                            runs.add(writeRun(mf, out, b, chunk, runStart, p - runStart, dataOffset, crcThread));
                            dataOffset += p - runStart;
                            runStart = -1;
                        }
                    }
                }
                pos = hole;
            }
        }
        return dataOffset;
    }

    private static boolean isZero(ByteBuffer b, int at) {
        // Most pages that are not zero say so in their first word: no slice, no full compare
        // (the slices alone were ~20 ms of a 200 MiB checkpoint).
        if (b.getLong(at) != 0) return false;
        return b.slice(at, (int) PAGE).mismatch(ZERO_PAGE.duplicate()) == -1;
    }

    /** Page data goes to the image in steps of this size, each one's writeback started at once. */
    private static final long STEP = 8L << 20;

    private static PageRun writeRun(MemoryFile mf, int out, ByteBuffer chunk, long chunkStart, long off, long len,
            long dataOffset, ExecutorService crcThread) {
        CRC32C crc = new CRC32C();
        Future<?> last = null;
        for (long done = 0; done < len; done += STEP) {
            long n = Math.min(STEP, len - done);
            ByteBuffer step = chunk.slice((int) (off - chunkStart + done), (int) n);
            last = crcThread.submit(() -> crc.update(step)); // in order: one thread, beside the copy
            Host.sendfile(out, mf.fd(), off + done, n);
            // Start writing this step to disk now, while the next is copied: the disk and the
            // copy overlap, and the fdatasync at the end has little left to wait for.
            Host.startWriteback(out, dataOffset + done, n);
        }
        try {
            if (last != null) last.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checksumming page data");
        } catch (ExecutionException e) {
            throw new IllegalStateException("checksumming page data failed", e.getCause());
        }
        return new PageRun(off, len, dataOffset, (int) crc.getValue());
    }
}
