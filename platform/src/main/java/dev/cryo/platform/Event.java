package dev.cryo.platform;

/**
 * Why {@link Context#run} returned. Immutable.
 *
 * @param kind what happened
 * @param signo for FAULT and SIGNAL: the host signal number (Linux x86-64 numbering)
 * @param code for FAULT and SIGNAL: siginfo's si_code
 * @param addr for FAULT: the faulting address (si_addr)
 */
public record Event(Kind kind, int signo, int code, long addr) {
    public enum Kind {
        /** The application made a system call: number in ORIG_RAX, arguments in the registers. */
        SYSCALL,
        /** A synchronous fault: SIGSEGV/SIGBUS (with address), SIGFPE, SIGILL, SIGTRAP. */
        FAULT,
        /** An asynchronous host signal reached the application thread. */
        SIGNAL,
        /** {@link Context#interrupt()} was called. */
        INTERRUPT
    }

    public static final Event SYSCALL = new Event(Kind.SYSCALL, 0, 0, 0);
    public static final Event INTERRUPTED = new Event(Kind.INTERRUPT, 0, 0, 0);
}
