package dev.cryo.platform;

/**
 * The application's address space as the host sees it: ranges of the memory file mapped at
 * application addresses. The Sentry's memory manager owns the truth (its VMAs); this only
 * mirrors what has been faulted in, so unmapping a range that was never mapped is fine.
 */
public interface AddressSpace extends AutoCloseable {
    /** Maps {@code len} bytes of the memory file at {@code fileOffset} to {@code addr}, shared, fixed. */
    void map(long addr, long len, int prot, long fileOffset);

    /** Removes whatever is mapped in [addr, addr+len). */
    void unmap(long addr, long len);

    /** Changes the protection of whatever is mapped in [addr, addr+len). */
    void protect(long addr, long len, int prot);

    /** The context of the address space's first thread. Call once. */
    Context mainContext();

    /** Kills the host process(es) behind the address space. Idempotent. */
    @Override
    void close();
}
