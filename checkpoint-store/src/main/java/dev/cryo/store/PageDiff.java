package dev.cryo.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The page by page part of storing a written slot as the pages that changed
 * ({@link SnapshotWriter}): which pages differ from what the slot held, those pages gathered into
 * one new chunk, and the slot's pieces. Pure functions on buffers.
 */
final class PageDiff {
    static final int PAGE = (int) Range.PAGE;

    private PageDiff() {}

    /**
     * Sets {@code mark[p]} for each of the {@code pages} pages of {@code now} (from its position)
     * that differ from {@code old} (from 0), and clears it for the others; returns how many
     * differ, or -1 as soon as more than {@code max} do.
     */
    static int compare(ByteBuffer now, ByteBuffer old, int pages, byte[] mark, int max) {
        int n = 0;
        for (int pg = 0; pg < pages; pg++) {
            int at = pg * PAGE;
            boolean differs = now.slice(now.position() + at, PAGE).mismatch(old.slice(at, PAGE)) != -1;
            mark[pg] = (byte) (differs ? 1 : 0);
            if (differs && ++n > max) return -1;
        }
        return n;
    }

    /** Copies the marked pages of {@code now} (from its position), in order, into {@code dst}: cleared, then flipped. */
    static ByteBuffer gather(ByteBuffer now, int pages, byte[] mark, ByteBuffer dst) {
        dst.clear();
        for (int pg = 0; pg < pages; pg++) {
            if (mark[pg] != 0) dst.put(now.slice(now.position() + pg * PAGE, PAGE));
        }
        return dst.flip();
    }

    /**
     * The pieces of the slot at {@code off} ({@code pages} pages): its marked pages from
     * {@code fresh} (the chunk {@link #gather} made, in order), the others from {@code prev} (its
     * pieces in the snapshot it is compared with, covering it), adjacent windows of one chunk
     * merged.
     */
    static List<ChunkRef> pieces(long off, int pages, byte[] mark, List<ChunkRef> prev, ChunkRef fresh) {
        List<ChunkRef> out = new ArrayList<>();
        int nextFresh = 0, from = 0;
        for (int pg = 0; pg < pages; pg++) {
            long at = off + (long) pg * PAGE;
            ChunkRef piece;
            if (mark[pg] != 0) {
                piece = fresh.window(at, nextFresh, PAGE);
                nextFresh += PAGE;
            } else {
                while (prev.get(from).memOffset() + prev.get(from).rawLength() <= at) from++;
                ChunkRef p = prev.get(from);
                piece = p.window(at, p.skip() + (int) (at - p.memOffset()), PAGE);
            }
            ChunkRef last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.location().equals(piece.location()) && Arrays.equals(last.hash(), piece.hash())
                    && last.skip() + last.rawLength() == piece.skip()) {
                out.set(out.size() - 1, last.window(last.memOffset(), last.skip(), last.rawLength() + PAGE));
            } else {
                out.add(piece);
            }
        }
        return out;
    }
}
