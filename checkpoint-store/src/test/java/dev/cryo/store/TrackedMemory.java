package dev.cryo.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A {@link BufferMemory} that knows, as the Sentry's write tracking does, which chunk slots were
 * written since its last snapshot and what that snapshot's pieces of each slot were.
 */
final class TrackedMemory implements MemorySource {
    static final int PAGE = 4096;
    final BufferMemory mem;
    private final BitSet written = new BitSet();
    private Map<Long, List<ChunkRef>> previous;

    TrackedMemory(int size) {
        this(BufferMemory.whole(size));
    }

    TrackedMemory(BufferMemory mem) {
        this.mem = mem;
    }

    /** Every slot counted as written (its bytes changed or not). */
    void touchAll() {
        written.set(0, (int) (mem.size() / Store.CHUNK_SIZE) + 1);
    }

    /** Random (incompressible) bytes everywhere, as bench/ckpt-fill.c's memory. */
    void fillRandom(long seed) {
        byte[] b = new byte[1 << 20];
        Random r = new Random(seed);
        for (int at = 0; at < mem.buf.capacity(); at += b.length) {
            r.nextBytes(b);
            mem.buf.put(at, b, 0, Math.min(b.length, mem.buf.capacity() - at));
        }
    }

    /** New random bytes in page {@code page}. */
    void writePage(int page, Random r) {
        byte[] b = new byte[PAGE];
        r.nextBytes(b);
        mem.buf.put(page * PAGE, b);
        written.set(page * PAGE / Store.CHUNK_SIZE);
    }

    /** Page {@code page} written with the bytes it already holds. */
    void touch(int page) {
        written.set(page * PAGE / Store.CHUNK_SIZE);
    }

    /** {@code pages} distinct pages picked at random, each given new random bytes. */
    void writeScattered(int pages, Random r) {
        writeScattered(pages, r, false);
    }

    /**
     * As {@link #writeScattered(int, Random)}, each page-sized write {@code shift} bytes past its
     * page's start (as a program's writes to a malloc'd buffer are): two pages change.
     */
    void writeScattered(int pages, Random r, int shift) {
        if (shift == 0) {
            writeScattered(pages, r);
            return;
        }
        BitSet picked = new BitSet();
        int all = mem.buf.capacity() / PAGE - 1;
        while (picked.cardinality() < pages) picked.set(r.nextInt(all));
        byte[] b = new byte[PAGE];
        for (int p = picked.nextSetBit(0); p >= 0; p = picked.nextSetBit(p + 1)) {
            r.nextBytes(b);
            int at = p * PAGE + shift;
            mem.buf.put(at, b);
            written.set(at / Store.CHUNK_SIZE);
            written.set((at + PAGE - 1) / Store.CHUNK_SIZE);
        }
    }

    /**
     * As above; {@code likeFill}: each page's new content of a kind {@link BufferMemory#fill}
     * makes (zero, random or text-like), so that changes compress as the rest does.
     */
    void writeScattered(int pages, Random r, boolean likeFill) {
        BitSet picked = new BitSet();
        int all = mem.buf.capacity() / PAGE;
        while (picked.cardinality() < pages) picked.set(r.nextInt(all));
        byte[] b = new byte[PAGE];
        for (int p = picked.nextSetBit(0); p >= 0; p = picked.nextSetBit(p + 1)) {
            if (!likeFill) {
                writePage(p, r);
                continue;
            }
            BufferMemory.page(r, b);
            mem.buf.put(p * PAGE, b);
            written.set(p * PAGE / Store.CHUNK_SIZE);
        }
    }

    /** After a checkpoint: the memory holds exactly {@code s}; nothing is written since. */
    void remember(Snapshot s) {
        previous = new HashMap<>();
        for (long slot = 0; slot < mem.buf.capacity(); slot += Store.CHUNK_SIZE) previous.put(slot, new ArrayList<>());
        for (ChunkRef c : s.chunks()) previous.get(c.memOffset() / Store.CHUNK_SIZE * Store.CHUNK_SIZE).add(c);
        previous.replaceAll((k, v) -> v.isEmpty() ? ZERO_SLOT : List.copyOf(v));
        written.clear();
    }

    byte[] sha256() {
        return Hashes.sha256(mem.buf.duplicate().clear());
    }

    @Override
    public List<ChunkRef> previous(long offset, int length) {
        return previous == null ? null : previous.get(offset);
    }

    @Override
    public boolean written(long offset, int length) {
        return written.get((int) (offset / Store.CHUNK_SIZE));
    }

    @Override
    public long size() {
        return mem.size();
    }

    @Override
    public List<Range> ranges() {
        return mem.ranges();
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        mem.read(offset, dst);
    }

    @Override
    public ByteBuffer readView(long offset, int length) {
        return mem.readView(offset, length);
    }
}
