package dev.cryo.store;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/** A memory file in a direct buffer, as the Sentry's mapped memfd is: views, no copies. */
final class BufferMemory implements MemorySource, MemorySink {
    final ByteBuffer buf;
    private final List<Range> ranges;
    private final boolean views;

    BufferMemory(int size, List<Range> ranges, boolean views) {
        this.buf = ByteBuffer.allocateDirect(size);
        this.ranges = ranges;
        this.views = views;
    }

    static BufferMemory whole(int size) {
        return new BufferMemory(size, List.of(new Range(0, size)), true);
    }

    @Override
    public long size() {
        return buf.capacity();
    }

    @Override
    public List<Range> ranges() {
        return ranges;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        dst.put(buf.slice((int) offset, dst.remaining()));
    }

    @Override
    public ByteBuffer readView(long offset, int length) {
        return views ? buf.slice((int) offset, length).asReadOnlyBuffer() : null;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        buf.slice((int) offset, src.remaining()).put(src);
    }

    @Override
    public ByteBuffer writeView(long offset, int length) {
        return views ? buf.slice((int) offset, length) : null;
    }

    /**
     * Memory-like content, page by page: a quarter zero, a quarter random (does not compress),
     * half text-like (16 symbols: compresses ~2x). Deterministic in {@code seed}.
     */
    void fill(long seed) {
        Random r = new Random(seed);
        byte[] page = new byte[4096];
        for (int p = 0; p < buf.capacity() / 4096; p++) {
            page(r, page);
            buf.put(p * 4096, page);
        }
    }

    static void page(Random r, byte[] page) {
        int kind = r.nextInt(4);
        if (kind == 0) {
            java.util.Arrays.fill(page, (byte) 0);
        } else if (kind == 1) {
            r.nextBytes(page);
        } else {
            for (int i = 0; i < page.length; i++) page[i] = (byte) ('a' + r.nextInt(16));
        }
    }

    /**
     * Rewrites {@code runs} runs of {@code runPages} pages at random, unaligned places with new
     * content of the same kind (what a program's writes to its heap do).
     */
    void change(long seed, int runs, int runPages) {
        Random r = new Random(seed);
        byte[] page = new byte[4096];
        int pages = buf.capacity() / 4096;
        for (int i = 0; i < runs; i++) {
            int start = r.nextInt(pages - runPages);
            for (int p = start; p < start + runPages; p++) {
                page(r, page);
                buf.put(p * 4096, page);
            }
        }
    }

    boolean sameAs(BufferMemory o) {
        return buf.duplicate().clear().mismatch(o.buf.duplicate().clear()) == -1;
    }
}
