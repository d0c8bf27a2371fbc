package dev.cryo.sentry.abi;

/** Signal numbers and constants on x86-64 (include/uapi/asm/signal.h, asm-generic/siginfo.h). */
public final class Signals {
    private Signals() {}

    public static final int NSIG = 64;
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5,
            SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11,
            SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17,
            SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23,
            SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
            SIGPWR = 30, SIGSYS = 31, SIGRTMIN = 32;

    public static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    public static final long SIG_DFL = 0, SIG_IGN = 1;
    public static final int SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31;
    public static final int MINSIGSTKSZ = 2048;

    public static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4,
            SA_UNSUPPORTED = 0x400, SA_EXPOSE_TAGBITS = 0x800, SA_RESTORER = 0x04000000,
            SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000,
            SA_RESETHAND = 0x80000000L;

    // si_code values for faults.
    public static final int SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRERR = 2, SI_KERNEL = 0x80;

    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"
    };

    /** The bit of {@code sig} in a sigset_t. */
    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    public static boolean valid(int sig) {
        return sig >= 1 && sig <= NSIG;
    }

    /** strace's name: "SIGSEGV", "SIGRTMIN+3", or the number. */
    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) return NAMES[sig];
        if (sig >= SIGRTMIN && sig <= NSIG) return sig == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (sig - SIGRTMIN);
        return Integer.toString(sig);
    }

    /** Whether the default action of {@code sig} dumps core (signal(7)'s "Core"). */
    public static boolean defaultCore(int sig) {
        return switch (sig) {
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS -> true;
            default -> false;
        };
    }

    /** Whether the default action of {@code sig} is to ignore it ("Ign"). */
    public static boolean defaultIgnore(int sig) {
        return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH;
    }
}
