package dev.cryo.sentry.mm;

/** A file that can be mapped: its bytes are copied into the memory file at mmap time. */
public interface MappingSource {
    /** Reads up to {@code len} bytes at {@code offset} into Sentry address {@code hostAddress}; returns bytes read (0 at EOF). */
    long readInto(long hostAddress, long len, long offset);

    /** A name for /proc/PID/maps. */
    String name();
}
