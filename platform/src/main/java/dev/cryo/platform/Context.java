package dev.cryo.platform;

/**
 * One thread of application execution. {@link #run} switches into the application with the
 * given registers and returns at the next event, with the registers as the application left
 * them. The FP/SSE/AVX state stays live in the context between runs; it is read and written
 * only when needed (checkpoint, signal frames).
 */
public interface Context {
    /**
     * Runs the application from {@code regs} (indices in {@link Regs}) until the next event and
     * writes the registers back into {@code regs}. Must be called from the owning thread.
     */
    Event run(long[] regs);

    /** The full XSAVE area (x87, SSE, AVX, ...) in the kernel's NT_X86_XSTATE layout. */
    byte[] fpState();

    /** Loads an XSAVE area previously returned by {@link #fpState()}. */
    void setFpState(byte[] xsave);

    /** CPU time the application thread has used on the host, in nanoseconds. */
    long cpuTimeNanos();

    /**
     * Makes the current or next {@link #run} return {@link Event.Kind#INTERRUPT} soon. Callable
     * from any thread; an interrupt is never lost.
     */
    void interrupt();

    /**
     * Ends this thread of its address space while the others run on (its task exited). The
     * address space's own {@code close} ends all of them. Owning thread only; idempotent.
     */
    void release();
}
