package dev.cryo.store;

/**
 * Told how far a long operation is, for a progress bar: bytes done out of total. Called from the
 * store's worker threads, often (once per chunk): keep it cheap and thread-safe.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> {};

    void advance(long done, long total);
}
