package dev.cryo.sentry.mm;

import dev.cryo.serializer.Savable;

/**
 * A virtual memory area: [start, end) backed by the memory file from {@code fileOffset}.
 * Mutable only through {@link MemoryManager}, which keeps VMAs non-overlapping.
 */
@Savable
public final class Vma {
    long start;
    long end;
    int prot;
    /** MAP_SHARED: the pages are shared with other mappings of the same file range. */
    boolean shared;
    /** Offset in the memory file of {@link #start}. */
    long fileOffset;
    /** What /proc/PID/maps would call it: "[heap]", "[stack]", a path, or "". */
    String name;
    /**
     * For a shared VMA whose pages other processes map too (after fork): who else uses the
     * range, so that it is released by the last one. Null while the range is this VMA's alone.
     */
    Share share;

    Vma(long start, long end, int prot, boolean shared, long fileOffset, String name) {
        this.start = start;
        this.end = end;
        this.prot = prot;
        this.shared = shared;
        this.fileOffset = fileOffset;
        this.name = name;
    }

    /** For Kryo. */
    Vma() {}

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public int prot() {
        return prot;
    }

    public boolean shared() {
        return shared;
    }

    public String name() {
        return name;
    }

    /** A copy of [from, to) of this VMA. */
    Vma slice(long from, long to) {
        Vma v = new Vma(from, to, prot, shared, fileOffset + (from - start), name);
        v.share = share;
        if (share != null) share.users++;
        return v;
    }

    @Override
    public String toString() {
        return String.format("%x-%x %c%c%c%c %s", start, end,
                (prot & 1) != 0 ? 'r' : '-', (prot & 2) != 0 ? 'w' : '-', (prot & 4) != 0 ? 'x' : '-',
                shared ? 's' : 'p', name);
    }
}
