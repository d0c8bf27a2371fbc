package dev.cryo.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The block by block part of storing a written slot as what changed ({@link SnapshotWriter}):
 * which blocks differ from what the slot held, those blocks gathered into one new chunk, and the
 * slot's pieces. Pure functions on buffers.
 *
 * <p>Blocks of 512 bytes, not pages: a program's page-sized writes are seldom page-aligned (a
 * malloc'd buffer starts 16 bytes into a page), and each then changes two pages, one of them by
 * a few bytes. Stored by the page, ten checkpoints of a sandbox writing 1% of its memory that way
 * took 1.19x the first; by the 512-byte block, 1.12x (aligned writes: 1.11x;
 * ScatteredChangesTest). Finer blocks cost more comparisons for little: the stored bytes of one
 * unaligned 4 KiB write are 4.5 KiB at 512.
 */
final class SlotDiff {
    static final int BLOCK = 512;

    private SlotDiff() {}

    /**
     * Sets {@code mark[k]} for each of the {@code blocks} blocks of {@code now} (from its position)
     * that differ from {@code old} (from 0), and clears it for the others; returns how many
     * differ, or -1 as soon as more than {@code max} do.
     */
    static int compare(ByteBuffer now, ByteBuffer old, int blocks, byte[] mark, int max) {
        int n = 0;
        for (int k = 0; k < blocks; k++) {
            int at = k * BLOCK;
            boolean differs = now.slice(now.position() + at, BLOCK).mismatch(old.slice(at, BLOCK)) != -1;
            mark[k] = (byte) (differs ? 1 : 0);
            if (differs && ++n > max) return -1;
        }
        return n;
    }

    /** Copies the marked blocks of {@code now} (from its position), in order, into {@code dst}: cleared, then flipped. */
    static ByteBuffer gather(ByteBuffer now, int blocks, byte[] mark, ByteBuffer dst) {
        dst.clear();
        for (int k = 0; k < blocks; k++) {
            if (mark[k] != 0) dst.put(now.slice(now.position() + k * BLOCK, BLOCK));
        }
        return dst.flip();
    }

    /**
     * The pieces of the slot at {@code off} ({@code blocks} blocks): its marked blocks from
     * {@code fresh} (the chunk {@link #gather} made, in order), the others from {@code prev} (its
     * pieces in the snapshot it is compared with, covering it), adjacent windows of one chunk
     * merged.
     */
    static List<ChunkRef> pieces(long off, int blocks, byte[] mark, List<ChunkRef> prev, ChunkRef fresh) {
        List<ChunkRef> out = new ArrayList<>();
        int nextFresh = 0, from = 0;
        for (int k = 0; k < blocks; k++) {
            long at = off + (long) k * BLOCK;
            ChunkRef piece;
            if (mark[k] != 0) {
                piece = fresh.window(at, nextFresh, BLOCK);
                nextFresh += BLOCK;
            } else {
                while (prev.get(from).memOffset() + prev.get(from).rawLength() <= at) from++;
                ChunkRef p = prev.get(from);
                piece = p.window(at, p.skip() + (int) (at - p.memOffset()), BLOCK);
            }
            ChunkRef last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.location().equals(piece.location()) && Arrays.equals(last.hash(), piece.hash())
                    && last.skip() + last.rawLength() == piece.skip()) {
                out.set(out.size() - 1, last.window(last.memOffset(), last.skip(), last.rawLength() + BLOCK));
            } else {
                out.add(piece);
            }
        }
        return out;
    }
}
