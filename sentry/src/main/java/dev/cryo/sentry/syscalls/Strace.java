package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.syscalls.StraceFormat.MAX_STRLEN;
import static dev.cryo.sentry.syscalls.StraceFormat.pointer;
import static dev.cryo.sentry.syscalls.StraceFormat.quote;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import java.io.PrintStream;

/**
 * --strace output, one line per call as strace prints it:
 * {@code openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3}. Printed after the call, so
 * output buffers show what the call wrote. Never throws: memory it cannot read is shown as its
 * address, as strace does.
 */
final class Strace {
    private Strace() {}

    /** Longest path shown (PATH_MAX); strace does not cut paths at -s. */
    static final int PATH_MAX = 4096;

    static void print(PrintStream out, Task t, long nr, SyscallTable.Entry e, long[] args, long r) {
        String line;
        try {
            line = line(t, nr, e, args, r);
        } catch (RuntimeException ex) {
            line = raw(nr, args, r);
        }
        out.println(line);
    }

    /** The whole output for one call: its line and, if the task ended with it, strace's "+++" line. */
    static String line(Task t, long nr, SyscallTable.Entry e, long[] args, long r) {
        StringBuilder sb = new StringBuilder(e != null ? e.name() : Sysno.name(nr)).append('(');
        if (e == null) {
            appendRawArgs(sb, args);
        } else {
            appendArgs(sb, t, e.nr(), e.args(), args, r);
        }
        sb.append(") = ");
        if (t.exited()) {
            sb.append('?').append(System.lineSeparator());
            int ws = t.waitStatus();
            int sig = ws & 0x7f;
            if (sig == 0) {
                sb.append("+++ exited with ").append((ws >> 8) & 0xff).append(" +++");
            } else {
                sb.append("+++ killed by ").append(Signals.name(sig)).append((ws & 0x80) != 0 ? " (core dumped)" : "")
                        .append(" +++");
            }
        } else {
            if (nr == Sysno.UMASK && !StraceFormat.isError(r)) {
                sb.append(StraceFormat.mode(r)); // strace shows the old mask in octal
            } else {
                sb.append(StraceFormat.result(r, e != null ? e.result() : Arg.LONG));
            }
        }
        return sb.toString();
    }

    private static String raw(long nr, long[] args, long r) {
        StringBuilder sb = new StringBuilder(Sysno.name(nr)).append('(');
        appendRawArgs(sb, args);
        return sb.append(") = ").append(StraceFormat.result(r, Arg.LONG)).toString();
    }

    private static void appendRawArgs(StringBuilder sb, long[] args) {
        for (int i = 0; i < 6; i++) {
            if (i > 0) sb.append(", ");
            sb.append(StraceFormat.hex(args[i]));
        }
    }

    private static void appendArgs(StringBuilder sb, Task t, int nr, Arg[] kinds, long[] args, long r) {
        int strvSeen = 0;
        for (int i = 0; i < kinds.length && i < 6; i++) {
            long v = args[i];
            // strace shows open's mode only when the flags use it.
            if (kinds[i] == Arg.MODE && i > 0 && kinds[i - 1] == Arg.OFLAGS && !StraceFormat.openTakesMode((int) args[i - 1])) {
                break;
            }
            if (i > 0) sb.append(", ");
            String special = StraceFormat.special(nr, i, v);
            if (special != null) {
                sb.append(special);
                continue;
            }
            switch (kinds[i]) {
                case INT, FD -> sb.append((int) v);
                case LONG -> sb.append(v);
                case SIZE -> sb.append(Long.toUnsignedString(v));
                case HEX, PTR -> sb.append(pointer(v));
                case DIRFD -> sb.append((int) v == StraceFormat.AT_FDCWD ? "AT_FDCWD" : Integer.toString((int) v));
                case PATH -> sb.append(path(t, v));
                case BUF_IN -> sb.append(buffer(t, v, i + 1 < 6 ? args[i + 1] : 0, false));
                case BUF_OUT -> sb.append(StraceFormat.isError(r) ? pointer(v) : buffer(t, v, r, nr == Sysno.GETRANDOM));
                case OFLAGS -> sb.append(StraceFormat.openFlags((int) v));
                case MODE -> sb.append(StraceFormat.mode((int) v));
                case PROT -> sb.append(StraceFormat.prot((int) v));
                case MAP_FLAGS -> sb.append(StraceFormat.mapFlags((int) v));
                case SIGNAL -> sb.append(StraceFormat.signal((int) v));
                case CLOCK -> sb.append(StraceFormat.clock((int) v));
                case WHENCE -> sb.append(StraceFormat.whence((int) v));
                case AT_FLAGS -> sb.append(StraceFormat.atFlags((int) v));
                case ACCESS_MODE -> sb.append(StraceFormat.accessMode((int) v));
                case IOCTL -> sb.append(StraceFormat.ioctl(v));
                case STRV -> sb.append(strv(t, v, strvSeen++ > 0));
            }
        }
    }

    private static Usermem mem(Task t) {
        return t.mm() == null ? null : t.mm().usermem();
    }

    /** A NUL-terminated path, whole; its address if it cannot be read. */
    static String path(Task t, long addr) {
        if (addr == 0) return "NULL";
        try {
            return quote(mem(t).readCString(addr, PATH_MAX));
        } catch (RuntimeException e) {
            return StraceFormat.hex(addr);
        }
    }

    /** The first {@link StraceFormat#MAX_STRLEN} bytes of a buffer of {@code len} bytes, in hex if {@code hex}. */
    static String buffer(Task t, long addr, long len, boolean hex) {
        if (addr == 0 && len != 0) return "NULL";
        int n = (int) Math.min(Math.max(len, 0), MAX_STRLEN);
        try {
            byte[] b = n == 0 ? new byte[0] : mem(t).read(addr, n);
            boolean more = Long.compareUnsigned(len, MAX_STRLEN) > 0;
            return hex ? StraceFormat.quoteHex(b, n, more) : quote(b, n, more);
        } catch (RuntimeException e) {
            return StraceFormat.hex(addr);
        }
    }

    /** A NUL-terminated string cut at {@link StraceFormat#MAX_STRLEN} bytes. */
    static String string(Task t, long addr) {
        Usermem mem = mem(t);
        try {
            return quote(mem.readCString(addr, MAX_STRLEN + 1));
        } catch (dev.cryo.sentry.abi.SyscallError e) {
            if (e.errno() != Errno.ENAMETOOLONG) throw e;
            return quote(mem.read(addr, MAX_STRLEN), MAX_STRLEN, true);
        }
    }

    /**
     * A NULL-terminated vector of strings: {@code ["ls", "-l"]}, cut after
     * {@link StraceFormat#MAX_STRLEN} entries; an environment ({@code envLike}) is shown as its
     * address and size, as strace shows execve's envp.
     */
    static String strv(Task t, long addr, boolean envLike) {
        if (addr == 0) return "NULL";
        try {
            Usermem mem = mem(t);
            StringBuilder sb = new StringBuilder("[");
            int count = 0;
            for (long p = addr; ; p += 8) {
                long s = mem.readLong(p);
                if (s == 0) break;
                if (!envLike) {
                    if (count == MAX_STRLEN) {
                        sb.append(", ...");
                        break;
                    }
                    if (count > 0) sb.append(", ");
                    sb.append(string(t, s));
                }
                count++;
                if (count > 1 << 20) throw new IllegalStateException("vector too long");
            }
            if (envLike) return StraceFormat.hex(addr) + " /* " + count + (count == 1 ? " var */" : " vars */");
            return sb.append(']').toString();
        } catch (RuntimeException e) {
            return StraceFormat.hex(addr);
        }
    }
}
