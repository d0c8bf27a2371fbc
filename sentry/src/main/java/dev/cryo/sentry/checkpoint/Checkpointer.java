package dev.cryo.sentry.checkpoint;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.serializer.StateCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a frozen kernel to an image directory (DESIGN.md rule 4 and issue #3): the object graph
 * through the state serializer, and the memory file's non-zero pages. Pages the host never
 * populated are skipped by SEEK_DATA/SEEK_HOLE, populated pages that are all zero by a scan;
 * the rest is written straight from the memory file's mapping.
 *
 * <p>The caller has frozen every task; nothing here runs application code.
 */
public final class Checkpointer {
    private static final long PAGE = MemoryFile.PAGE;
    /** Largest write handed to the channel at once (a ByteBuffer holds at most 2 GiB). */
    private static final int CHUNK = 1 << 30;

    private Checkpointer() {}

    /** Saves {@code kernel} into {@code store}; returns the bytes of page data written. */
    public static long save(Kernel kernel, ImageStore store) throws IOException {
        byte[] state = new StateCodec(SentryClasses.registry()).save(kernel);
        MemoryFile mf = kernel.memoryFile();
        List<PageRun> runs = new ArrayList<>();
        long written;
        try (FileChannel out = store.createPages()) {
            written = writePages(mf, out, runs);
            out.force(true);
        }
        store.commit(state, runs, mf.usage());
        return written;
    }

    private static long writePages(MemoryFile mf, FileChannel out, List<PageRun> runs) throws IOException {
        long dataOffset = 0;
        long[] page = new long[(int) (PAGE / 8)];
        for (long[] range : mf.allocatedRanges()) {
            long pos = range[0], end = range[0] + range[1];
            while (pos < end) {
                long data = Host.seekData(mf.fd(), pos, true);
                if (data < 0 || data >= end) break;
                long hole = Math.min(end, Host.seekData(mf.fd(), data, false));
                long runStart = -1;
                for (long p = data; p <= hole; p += PAGE) {
                    boolean nonZero = p < hole && !isZero(mf.address(p), page);
                    if (nonZero && runStart < 0) runStart = p;
                    if (!nonZero && runStart >= 0) {
                        runs.add(writeRun(mf, out, runStart, p - runStart, dataOffset));
                        dataOffset += p - runStart;
                        runStart = -1;
                    }
                }
                pos = hole;
            }
        }
        return dataOffset;
    }

    private static boolean isZero(long address, long[] page) {
        Host.getLongs(address, page, 0, page.length);
        for (long v : page) {
            if (v != 0) return false;
        }
        return true;
    }

    private static PageRun writeRun(MemoryFile mf, FileChannel out, long off, long len, long dataOffset) throws IOException {
        CRC32C crc = new CRC32C();
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(CHUNK, len - done);
            ByteBuffer b = Host.directBuffer(mf.address(off + done), n);
            crc.update(b.duplicate());
            while (b.hasRemaining()) out.write(b);
            done += n;
        }
        return new PageRun(off, len, dataOffset, (int) crc.getValue());
    }

    static FileChannel openPages(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.READ);
    }
}
