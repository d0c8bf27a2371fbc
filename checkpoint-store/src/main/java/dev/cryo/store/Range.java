package dev.cryo.store;

/** A stretch of the memory file, {@code length} bytes at {@code offset}; both page-aligned. */
public record Range(long offset, long length) {
    public static final long PAGE = 4096;

    public Range {
        if (offset < 0 || length < 0 || offset + length < offset) {
            throw new IllegalArgumentException("bad range " + offset + "+" + length);
        }
        if ((offset | length) % PAGE != 0) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is not page-aligned");
        }
    }

    public long end() {
        return offset + length;
    }
}
