package dev.cryo.sentry.mm;

/**
 * Receives a guest range as segments of the Sentry's own memory (the memory file's mapping), so
 * that host I/O reads and writes application memory without an intermediate copy.
 */
@FunctionalInterface
public interface IoVisitor {
    /**
     * Handles {@code len} bytes at Sentry address {@code hostAddress}; returns how many were done.
     * Returning fewer than {@code len} stops the walk (a short read, a full pipe).
     */
    long visit(long hostAddress, long len);
}
