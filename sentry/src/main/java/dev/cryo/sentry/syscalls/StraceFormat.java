package dev.cryo.sentry.syscalls;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.Mman;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.vfs.OpenFlags;

/**
 * strace's way of showing values, without touching memory: quoted strings, symbolic flag lists,
 * names of constants, results. Mirrors strace's util.c string_quote and its xlat tables, so that
 * --strace output reads like strace's own. Pure functions; {@link Strace} reads memory.
 */
final class StraceFormat {
    private StraceFormat() {}

    /** strace's default -s: bytes of a string shown before "...". */
    static final int MAX_STRLEN = 32;
    static final int AT_FDCWD = -100;

    /**
     * {@code b[0..n)} in double quotes as strace's string_quote shows it: printable ASCII as is,
     * C escapes for \" \\ \t \n \v \f \r, everything else in octal (three digits when an octal
     * digit follows, so the escape stays unambiguous); "..." after the quote if {@code more}.
     */
    static String quote(byte[] b, int n, boolean more) {
        StringBuilder sb = new StringBuilder(n + 8).append('"');
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case 0x0b -> sb.append("\\v");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append('\\');
                        boolean digitFollows = i + 1 < n && b[i + 1] >= '0' && b[i + 1] <= '7';
                        if (digitFollows || c >> 6 != 0) sb.append((char) ('0' + (c >> 6)));
                        if (digitFollows || c >> 3 != 0) sb.append((char) ('0' + ((c >> 3) & 7)));
                        sb.append((char) ('0' + (c & 7)));
                    }
                }
            }
        }
        sb.append('"');
        if (more) sb.append("...");
        return sb.toString();
    }

    /** {@code b[0..n)} with every byte as \\xNN, as strace shows random bytes (getrandom). */
    static String quoteHex(byte[] b, int n, boolean more) {
        StringBuilder sb = new StringBuilder(4 * n + 5).append('"');
        for (int i = 0; i < n; i++) sb.append(String.format("\\x%02x", b[i] & 0xff));
        sb.append('"');
        if (more) sb.append("...");
        return sb.toString();
    }

    static String quote(byte[] b) {
        return quote(b, b.length, false);
    }

    /** An address: NULL for 0, else hex. */
    static String pointer(long v) {
        return v == 0 ? "NULL" : hex(v);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /**
     * {@code v} as NAME|NAME|0xrest over {@code bits}/{@code names} in order; {@code zero} when
     * {@code v} is 0 (null: "0").
     */
    static String flags(long v, long[] bits, String[] names, String zero) {
        if (v == 0) return zero == null ? "0" : zero;
        StringBuilder sb = new StringBuilder();
        long rest = v;
        for (int i = 0; i < bits.length; i++) {
            if (bits[i] != 0 && (rest & bits[i]) == bits[i]) {
                if (sb.length() > 0) sb.append('|');
                sb.append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            if (sb.length() > 0) sb.append('|');
            sb.append(hex(rest));
        }
        return sb.toString();
    }

    // Order as strace's xlat/open_mode_flags.in; O_SYNC and O_TMPFILE before the bits they contain.
    private static final long[] O_BITS = {OpenFlags.O_CREAT, OpenFlags.O_EXCL, OpenFlags.O_NOCTTY,
        OpenFlags.O_TRUNC, OpenFlags.O_APPEND, OpenFlags.O_NONBLOCK, OpenFlags.O_SYNC, OpenFlags.O_DSYNC,
        OpenFlags.O_ASYNC, OpenFlags.O_DIRECT, OpenFlags.O_LARGEFILE, OpenFlags.O_NOFOLLOW,
        OpenFlags.O_NOATIME, OpenFlags.O_CLOEXEC, OpenFlags.O_PATH, OpenFlags.O_TMPFILE, OpenFlags.O_DIRECTORY};
    private static final String[] O_NAMES = {"O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND",
        "O_NONBLOCK", "O_SYNC", "O_DSYNC", "O_ASYNC", "O_DIRECT", "O_LARGEFILE", "O_NOFOLLOW",
        "O_NOATIME", "O_CLOEXEC", "O_PATH", "O_TMPFILE", "O_DIRECTORY"};
    private static final String[] ACCMODES = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};

    /** open(2) flags: the access mode, then the other flags. */
    static String openFlags(int v) {
        String acc = ACCMODES[v & OpenFlags.O_ACCMODE];
        int rest = v & ~OpenFlags.O_ACCMODE;
        return rest == 0 ? acc : acc + "|" + flags(rest, O_BITS, O_NAMES, null);
    }

    /** Whether open's mode argument matters (strace shows it only then). */
    static boolean openTakesMode(int v) {
        return (v & OpenFlags.O_CREAT) != 0 || (v & OpenFlags.O_TMPFILE) == OpenFlags.O_TMPFILE;
    }

    /** A mode in octal, as C's "%#03o". */
    static String mode(long v) {
        String s = v == 0 ? "0" : "0" + Long.toOctalString(v & 0xffffffffL);
        while (s.length() < 3) s = "0" + s;
        return s;
    }

    private static final long[] PROT_BITS = {Mman.PROT_READ, Mman.PROT_WRITE, Mman.PROT_EXEC, 0x8,
        Mman.PROT_GROWSDOWN, Mman.PROT_GROWSUP};
    private static final String[] PROT_NAMES = {"PROT_READ", "PROT_WRITE", "PROT_EXEC", "PROT_SEM",
        "PROT_GROWSDOWN", "PROT_GROWSUP"};

    static String prot(int v) {
        return flags(v & 0xffffffffL, PROT_BITS, PROT_NAMES, "PROT_NONE");
    }

    private static final long[] MAP_BITS = {Mman.MAP_FIXED, Mman.MAP_ANONYMOUS, Mman.MAP_32BIT,
        Mman.MAP_GROWSDOWN, Mman.MAP_DENYWRITE, Mman.MAP_EXECUTABLE, Mman.MAP_LOCKED,
        Mman.MAP_NORESERVE, Mman.MAP_POPULATE, Mman.MAP_NONBLOCK, Mman.MAP_STACK, Mman.MAP_HUGETLB,
        Mman.MAP_SYNC, Mman.MAP_FIXED_NOREPLACE, Mman.MAP_UNINITIALIZED};
    private static final String[] MAP_NAMES = {"MAP_FIXED", "MAP_ANONYMOUS", "MAP_32BIT",
        "MAP_GROWSDOWN", "MAP_DENYWRITE", "MAP_EXECUTABLE", "MAP_LOCKED", "MAP_NORESERVE",
        "MAP_POPULATE", "MAP_NONBLOCK", "MAP_STACK", "MAP_HUGETLB", "MAP_SYNC",
        "MAP_FIXED_NOREPLACE", "MAP_UNINITIALIZED"};

    /** mmap flags: the mapping type, then the other flags. */
    static String mapFlags(int v) {
        int type = v & Mman.MAP_TYPE;
        String t = switch (type) {
            case Mman.MAP_SHARED -> "MAP_SHARED";
            case Mman.MAP_PRIVATE -> "MAP_PRIVATE";
            case Mman.MAP_SHARED_VALIDATE -> "MAP_SHARED_VALIDATE";
            default -> hex(type);
        };
        long rest = (v & 0xffffffffL) & ~Mman.MAP_TYPE;
        return rest == 0 ? t : t + "|" + flags(rest, MAP_BITS, MAP_NAMES, null);
    }

    private static final long[] AT_BITS = {0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x8000};
    private static final String[] AT_NAMES = {"AT_SYMLINK_NOFOLLOW", "AT_REMOVEDIR", "AT_SYMLINK_FOLLOW",
        "AT_NO_AUTOMOUNT", "AT_EMPTY_PATH", "AT_STATX_FORCE_SYNC", "AT_STATX_DONT_SYNC", "AT_RECURSIVE"};

    static String atFlags(int v) {
        return flags(v & 0xffffffffL, AT_BITS, AT_NAMES, null);
    }

    static String accessMode(int v) {
        return flags(v & 0xffffffffL, new long[] {4, 2, 1}, new String[] {"R_OK", "W_OK", "X_OK"}, "F_OK");
    }

    static String whence(int v) {
        return switch (v) {
            case 0 -> "SEEK_SET";
            case 1 -> "SEEK_CUR";
            case 2 -> "SEEK_END";
            case 3 -> "SEEK_DATA";
            case 4 -> "SEEK_HOLE";
            default -> Integer.toString(v);
        };
    }

    private static final String[] CLOCKS = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
        "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE",
        "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM", "CLOCK_SGI_CYCLE", "CLOCK_TAI"};
    private static final String[] CPUCLOCKS = {"CPUCLOCK_PROF", "CPUCLOCK_VIRT", "CPUCLOCK_SCHED"};

    /** A clock id; negative ids as the macros that build them (include/linux/posix-timers.h). */
    static String clock(int v) {
        if (v >= 0) return v < CLOCKS.length ? CLOCKS[v] : Integer.toString(v);
        if ((v & 7) == 3) return "FD_TO_CLOCKID(" + ~(v >> 3) + ")";
        if ((v & 3) == 3) return Integer.toString(v);
        return ((v & 4) != 0 ? "MAKE_THREAD_CPUCLOCK(" : "MAKE_PROCESS_CPUCLOCK(") + ~(v >> 3) + ", "
                + CPUCLOCKS[v & 3] + ")";
    }

    static String signal(int v) {
        return v == 0 ? "0" : Signals.valid(v) ? Signals.name(v) : Integer.toString(v);
    }

    /** An ioctl request: the name of the common tty and file ones, else hex. */
    static String ioctl(long v) {
        return switch ((int) v) {
            case 0x5401 -> "TCGETS";
            case 0x5402 -> "TCSETS";
            case 0x5403 -> "TCSETSW";
            case 0x5404 -> "TCSETSF";
            case 0x540e -> "TIOCSCTTY";
            case 0x540f -> "TIOCGPGRP";
            case 0x5410 -> "TIOCSPGRP";
            case 0x5413 -> "TIOCGWINSZ";
            case 0x5414 -> "TIOCSWINSZ";
            case 0x541b -> "FIONREAD";
            case 0x5421 -> "FIONBIO";
            case 0x5422 -> "TIOCNOTTY";
            case 0x5450 -> "FIONCLEX";
            case 0x5451 -> "FIOCLEX";
            case 0x80045430 -> "TIOCGPTN";
            case 0x40045431 -> "TIOCSPTLCK";
            default -> hex(v & 0xffffffffL);
        };
    }

    private static final String[] RLIMITS = {"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
        "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
        "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"};

    /**
     * Arguments whose meaning the {@link Arg} kinds cannot say yet (a resource, a "how", GRND_*
     * flags), by syscall and position; null when the generic kind applies. A stopgap until
     * {@link Arg} has kinds for them.
     */
    static String special(int nr, int index, long v) {
        int i = (int) v;
        switch (nr) {
            case dev.cryo.sentry.abi.Sysno.GETRLIMIT, dev.cryo.sentry.abi.Sysno.SETRLIMIT -> {
                if (index == 0) return i >= 0 && i < RLIMITS.length ? RLIMITS[i] : Integer.toString(i);
            }
            case dev.cryo.sentry.abi.Sysno.PRLIMIT64 -> {
                if (index == 1) return i >= 0 && i < RLIMITS.length ? RLIMITS[i] : Integer.toString(i);
            }
            case dev.cryo.sentry.abi.Sysno.RT_SIGPROCMASK -> {
                if (index == 0) return i >= 0 && i <= 2 ? new String[] {"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"}[i] : Integer.toString(i);
            }
            case dev.cryo.sentry.abi.Sysno.GETRUSAGE -> {
                if (index == 0) return i == 0 ? "RUSAGE_SELF" : i == -1 ? "RUSAGE_CHILDREN" : i == 1 ? "RUSAGE_THREAD" : Integer.toString(i);
            }
            case dev.cryo.sentry.abi.Sysno.GETRANDOM -> {
                if (index == 2) return flags(v & 0xffffffffL, new long[] {1, 2, 4},
                        new String[] {"GRND_NONBLOCK", "GRND_RANDOM", "GRND_INSECURE"}, null);
            }
            default -> { }
        }
        return null;
    }

    /** Whether {@code r} is an error return (-4095..-1). */
    static boolean isError(long r) {
        return r < 0 && r >= -4095;
    }

    /** What strace prints after "= " for a result shown as {@code kind}. */
    static String result(long r, Arg kind) {
        if (isError(r)) {
            int errno = (int) -r;
            String text = switch (errno) {
                case Errno.ERESTARTSYS -> "To be restarted if SA_RESTART is set";
                case Errno.ERESTARTNOINTR -> "To be restarted";
                case Errno.ERESTARTNOHAND -> "To be restarted if no handler";
                case Errno.ERESTART_RESTARTBLOCK -> "Interrupted by signal";
                default -> null;
            };
            // Restart codes never reach the program: strace shows them with "?".
            if (text != null) return "? " + Errno.name(errno) + " (" + text + ")";
            return "-1 " + Errno.name(errno) + " (" + Errno.text(errno) + ")";
        }
        return kind == Arg.HEX || kind == Arg.PTR ? hex(r) : Long.toString(r);
    }
}
