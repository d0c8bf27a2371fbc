package dev.cryo.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A pack written around the page cache (O_DIRECT): records are gathered in two aligned staging
 * buffers, and each full one is written by an I/O thread while the worker fills the other.
 *
 * <p>Why: a buffered write costs the CPU a copy and a page-cache page per 4 KiB on the
 * checkpoint's path, and the fdatasync then waits for the device as well. On this project's
 * machine (a VM whose memory is faulted in by its host on first touch), 200 MiB of buffered
 * writes took 50-450 ms of CPU depending on whether the page cache had new memory to grow into;
 * the same bytes written direct took 20-50 ms of CPU (dd's system time, its reads included), and
 * their wait for the device runs beside the hashing (measured; docs/store.md, "Writing packs
 * around the page cache"). {@link Readback} fills the cache afterwards, off the command's path.
 *
 * <p>The file's bytes are exactly those of a {@link Packs.Writer}'s: only whole aligned blocks go
 * direct; at {@link #sync} the last partial block goes through the page cache, and it stays at the
 * start of the staging buffer, so a later direct write of that block writes it whole again.
 */
final class StagedPackWriter extends Packs.Writer {
    /** Bytes per direct write: past ~2 MiB the device's rate no longer grows here (measured). */
    static final int STAGE = 4 << 20;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /**
     * Stage buffers a closed writer left for the next: a checkpoint's two workers need four, and
     * allocating them means zeroing 16 MiB of memory the VM may have to fault in from its host
     * first (~0.3 GB/s here on first touch, measured) — on every checkpoint, and on the host's
     * rehearsal ({@link Warmup}), which uses writers of its own.
     */
    private static final java.util.concurrent.ConcurrentLinkedQueue<ByteBuffer> FREE =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final int KEEP = 4;
    private static final Path DEV_NULL = Path.of("/dev/null");

    private final Path path;
    private final FileChannel direct;
    private final int align;
    private final Executor io;
    private final ByteBuffer[] stages = new ByteBuffer[2];
    private int cur;
    /** File offset of the current stage's first byte: a multiple of {@code align}. */
    private long base;
    private long pos;
    private CompletableFuture<Void> inFlight = DONE;
    private boolean closed;

    private StagedPackWriter(long id, Path path, FileChannel direct, int align, Executor io) {
        super(id, null);
        this.path = path;
        this.direct = direct;
        this.align = align;
        this.io = io;
        for (int i = 0; i < 2; i++) stages[i] = stage(align);
    }

    private static ByteBuffer stage(int align) {
        for (ByteBuffer b; (b = FREE.poll()) != null; ) {
            if (b.alignmentOffset(0, align) == 0) return b.clear();
        }
        return ByteBuffer.allocateDirect(STAGE + align).alignedSlice(align).slice(0, STAGE);
    }

    /**
     * A writer whose "pack" is /dev/null, for {@link Warmup}'s rehearsal: the same staging, the
     * same I/O thread hand-over and positional writes as a real pack's, nothing on disk.
     */
    static StagedPackWriter discarding(Executor io) throws IOException {
        StagedPackWriter w = new StagedPackWriter(0, DEV_NULL, FileChannel.open(DEV_NULL, StandardOpenOption.WRITE), 4096, io);
        w.put(PackRecord.fileHeader(0));
        return w;
    }

    /**
     * A staged writer for the new, empty pack file at {@code path} (its file header put first);
     * null if its file system does not take direct writes (tmpfs on older kernels, some FUSE).
     */
    static StagedPackWriter open(long id, Path path, Executor io) throws IOException {
        // Direct I/O wants offsets and lengths in whole device blocks; the file system's block
        // size is the JDK's check, and 4 KiB covers devices whose blocks are larger than it says.
        long block;
        FileChannel ch;
        try {
            block = Math.max(4096, Files.getFileStore(path).getBlockSize());
            if (block > STAGE || Long.bitCount(block) != 1) return null;
            ch = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return null; // EINVAL from the file system: its writes go through the page cache
        }
        StagedPackWriter w = new StagedPackWriter(id, path, ch, (int) block, io);
        w.put(PackRecord.fileHeader(id));
        return w;
    }

    @Override
    boolean writesBack() {
        return false; // its writes reach the device as they are made
    }

    @Override
    long size() {
        return pos;
    }

    @Override
    long append(ByteBuffer header, ByteBuffer data) throws IOException {
        long at = pos;
        put(header);
        put(data);
        return at;
    }

    private void put(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            ByteBuffer stage = stages[cur];
            int n = Math.min(src.remaining(), stage.remaining());
            stage.put(src.slice(src.position(), n));
            src.position(src.position() + n);
            pos += n;
            if (!stage.hasRemaining()) {
                await();
                ByteBuffer full = stage.flip();
                long at = base;
                inFlight = CompletableFuture.runAsync(() -> {
                    try {
                        writeFully(full, at);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                }, io);
                base += STAGE;
                cur ^= 1;
                stages[cur].clear();
            }
        }
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
        int start = b.position();
        try {
            for (long p = at; b.hasRemaining(); ) p += direct.write(b, p);
        } catch (IOException e) {
            // A file system that took O_DIRECT at open but refuses a write (EINVAL): the same
            // bytes through the page cache. A full disk fails again there, with its own error.
            b.position(start);
            buffered(b, at);
        }
    }

    private void buffered(ByteBuffer b, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            for (long p = at; b.hasRemaining(); ) p += ch.write(b, p);
        }
    }

    /** Waits for the write in flight; its failure is this writer's. */
    private void await() throws IOException {
        CompletableFuture<Void> f = inFlight;
        inFlight = DONE;
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw new IOException(path + ": " + io.getMessage(), io);
            throw e;
        }
    }

    /** Writes out what is staged (the last partial block through the page cache), then fdatasync. */
    @Override
    void sync() throws IOException {
        await();
        ByteBuffer stage = stages[cur];
        int staged = stage.position();
        int whole = staged & -align;
        if (whole > 0) writeFully(stage.duplicate().position(0).limit(whole), base);
        if (staged > whole) buffered(stage.duplicate().position(whole).limit(staged), base + whole);
        // The partial block stays staged, at the start, for the next direct write to rewrite whole.
        stage.limit(staged).position(whole);
        stage.compact();
        base += whole;
        if (!path.equals(DEV_NULL)) direct.force(false); // /dev/null refuses fdatasync (EINVAL)
    }

    /** Releases the file; what was appended since the last {@link #sync} may not be in it. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            inFlight.join();
        } catch (CompletionException ignored) {
            // a failed write: the caller has it from sync, or is discarding the pack
        }
        // No write is left that reads the stages: they go to the next writer.
        for (ByteBuffer b : stages) {
            if (FREE.size() < KEEP) FREE.offer(b);
        }
        direct.close();
    }
}
