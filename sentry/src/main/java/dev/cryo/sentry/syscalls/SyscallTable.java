package dev.cryo.sentry.syscalls;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The system call table as data (STYLE.md): one entry per number saying whether the call is
 * supported, partial (and what is missing) or an error (which errno and why). Numbers with no
 * entry return ENOSYS and are counted. docs/compatibility.md is generated from this table.
 */
public final class SyscallTable {
    public enum Support { SUPPORTED, PARTIAL, ERROR }

    /**
     * One syscall.
     *
     * @param note for PARTIAL: what is missing; for ERROR: why the errno
     * @param args how strace shows each argument
     * @param result how strace shows the result
     */
    public record Entry(int nr, String name, Support support, String note, Handler handler,
            Arg[] args, Arg result) {}

    private final Entry[] entries = new Entry[Sysno.TABLE_SIZE];

    /** The table with every family registered. */
    public static SyscallTable standard() {
        SyscallTable t = new SyscallTable();
        Families.registerAll(t);
        return t;
    }

    /** The entry for {@code nr}, or null (ENOSYS). */
    public Entry get(long nr) {
        return nr >= 0 && nr < entries.length ? entries[(int) nr] : null;
    }

    /** All entries in number order. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) if (e != null) out.add(e);
        return Collections.unmodifiableList(out);
    }

    // ---- registration, used by the families

    void supported(int nr, Handler h, Arg... args) {
        add(new Entry(nr, Sysno.name(nr), Support.SUPPORTED, "", h, args, Arg.LONG));
    }

    /** Like {@link #supported} with a result strace shows in hex (addresses). */
    void supportedHex(int nr, Handler h, Arg... args) {
        add(new Entry(nr, Sysno.name(nr), Support.SUPPORTED, "", h, args, Arg.HEX));
    }

    void partial(int nr, String note, Handler h, Arg... args) {
        add(new Entry(nr, Sysno.name(nr), Support.PARTIAL, note, h, args, Arg.LONG));
    }

    /** A call the sandbox refuses on purpose: always {@code errno}, for the reason {@code why}. */
    void error(int nr, int errno, String why, Arg... args) {
        SyscallError e = SyscallError.of(errno);
        add(new Entry(nr, Sysno.name(nr), Support.ERROR, Errno.name(errno) + ": " + why, t -> {
            throw e;
        }, args, Arg.LONG));
    }

    private void add(Entry e) {
        if (entries[e.nr()] != null) throw new IllegalStateException("syscall " + e.name() + " registered twice");
        entries[e.nr()] = e;
    }
}
