package dev.cryo.sentry.fs.socket;

import dev.cryo.sentry.mm.Usermem;

/**
 * The segments of application memory one send or receive moves bytes through (a msghdr's
 * iovec array, or the one buffer of read, write, sendto and recvfrom), already checked by the
 * caller: lengths are non-negative and the total is at most MAX_RW_COUNT.
 */
public final class Iov {
    private final long[] base;
    private final long[] len;
    private final long total;

    public Iov(long[] base, long[] len) {
        this.base = base;
        this.len = len;
        long t = 0;
        for (long l : len) t += l;
        this.total = t;
    }

    /** One buffer. */
    public static Iov of(long addr, long len) {
        return new Iov(new long[] {addr}, new long[] {len});
    }

    public long total() {
        return total;
    }

    public int segments() {
        return base.length;
    }

    public long base(int i) {
        return base[i];
    }

    public long length(int i) {
        return len[i];
    }

    /** Copies {@code n} bytes from the segments, starting {@code from} bytes into them. */
    byte[] gather(Usermem mem, long from, int n) {
        byte[] out = new byte[n];
        int done = 0;
        long skip = from;
        for (int i = 0; i < base.length && done < n; i++) {
            if (skip >= len[i]) {
                skip -= len[i];
                continue;
            }
            int k = (int) Math.min(len[i] - skip, n - done);
            mem.read(base[i] + skip, out, done, k);
            done += k;
            skip = 0;
        }
        return out;
    }

    /** Copies {@code n} bytes of {@code src} from {@code off} into the segments, {@code at} bytes into them. */
    void scatter(Usermem mem, long at, byte[] src, int off, int n) {
        int done = 0;
        long skip = at;
        for (int i = 0; i < base.length && done < n; i++) {
            if (skip >= len[i]) {
                skip -= len[i];
                continue;
            }
            int k = (int) Math.min(len[i] - skip, n - done);
            mem.write(base[i] + skip, src, off + done, k);
            done += k;
            skip = 0;
        }
    }
}
