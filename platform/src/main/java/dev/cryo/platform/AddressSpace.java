package dev.cryo.platform;

import java.util.List;

/**
 * The application's address space as the host sees it: ranges of the memory file mapped at
 * application addresses. The Sentry's memory manager owns the truth (its VMAs); this only
 * mirrors what has been faulted in, so unmapping a range that was never mapped is fine.
 */
public interface AddressSpace extends AutoCloseable {
    /** Maps {@code len} bytes of the memory file at {@code fileOffset} to {@code addr}, shared, fixed. */
    void map(long addr, long len, int prot, long fileOffset);

    /** One range for {@link #map(List)}. */
    record Mapping(long addr, long len, int prot, long fileOffset) {}

    /**
     * Maps each range as {@link #map(long, long, int, long)} does, in order; a platform may do
     * it in one trip (a forked child's memory, mapped ahead of its first touches).
     */
    default void map(List<Mapping> ranges) {
        for (Mapping m : ranges) map(m.addr(), m.len(), m.prot(), m.fileOffset());
    }

    /** Removes whatever is mapped in [addr, addr+len). */
    void unmap(long addr, long len);

    /** Changes the protection of whatever is mapped in [addr, addr+len). */
    void protect(long addr, long len, int prot);

    /** The context of the address space's first thread. Call once. */
    Context mainContext();

    /**
     * Starts another thread of this address space, for a new task sharing the memory (a
     * thread). Call on a thread that owns one of its contexts, while that context is not
     * running; the returned handle goes to {@link #adoptThread} on the thread that will run it.
     */
    long cloneThread();

    /**
     * The context of a thread {@link #cloneThread} started; the calling thread becomes its owner
     * (the platform's tracer). Call once per handle.
     */
    Context adoptThread(long handle);

    /**
     * Empties the address space for another process that the calling thread will run, if the
     * thread's context is its only live one: every application mapping is removed and that
     * context is returned, for the next process to set its registers and FP state. Null if it
     * cannot be reused (the caller closes it). Reusing a stub saves a new process's spawn and
     * attach (~0.5 ms with ptrace).
     */
    default Context reset() {
        return null;
    }

    /**
     * Kills the host process(es) behind the address space, every thread of it. Idempotent.
     * Map, unmap and protect must come from a thread that owns one of its live contexts.
     */
    @Override
    void close();
}
