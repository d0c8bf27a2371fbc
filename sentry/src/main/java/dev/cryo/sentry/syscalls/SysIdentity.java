package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.MODE;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Credentials;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import java.util.Arrays;

/**
 * Process ids, user and group ids, supplementary groups and umask, as kernel/sys.c and
 * kernel/groups.c. The sandbox's ids are its own (uid 0 is root of the sandbox only).
 * Capabilities follow the default securebits: a task holds CAP_SETUID, CAP_SETGID and the rest
 * exactly while its effective uid is 0 (capabilities(7), "Effect of user ID changes").
 */
final class SysIdentity {
    private SysIdentity() {}

    /** (uid_t)-1: "leave unchanged" for the set*id calls, and never a valid id. */
    private static final int NO_ID = -1;
    /** NGROUPS_MAX (include/uapi/linux/limits.h). */
    static final int NGROUPS_MAX = 65536;

    static void register(SyscallTable t) {
        t.supported(Sysno.GETPID, SysIdentity::getpid);
        t.supported(Sysno.GETTID, SysIdentity::gettid);
        t.supported(Sysno.GETUID, SysIdentity::getuid);
        t.supported(Sysno.GETEUID, SysIdentity::geteuid);
        t.supported(Sysno.GETGID, SysIdentity::getgid);
        t.supported(Sysno.GETEGID, SysIdentity::getegid);
        t.supported(Sysno.GETRESUID, SysIdentity::getresuid, PTR, PTR, PTR);
        t.supported(Sysno.GETRESGID, SysIdentity::getresgid, PTR, PTR, PTR);
        t.supported(Sysno.GETGROUPS, SysIdentity::getgroups, INT, PTR);
        t.supported(Sysno.SETUID, SysIdentity::setuid, INT);
        t.supported(Sysno.SETGID, SysIdentity::setgid, INT);
        t.supported(Sysno.SETREUID, SysIdentity::setreuid, INT, INT);
        t.supported(Sysno.SETREGID, SysIdentity::setregid, INT, INT);
        t.supported(Sysno.SETRESUID, SysIdentity::setresuid, INT, INT, INT);
        t.supported(Sysno.SETRESGID, SysIdentity::setresgid, INT, INT, INT);
        t.supported(Sysno.SETGROUPS, SysIdentity::setgroups, INT, PTR);
        t.supported(Sysno.SETFSUID, SysIdentity::setfsuid, INT);
        t.supported(Sysno.SETFSGID, SysIdentity::setfsgid, INT);
        t.supported(Sysno.UMASK, SysIdentity::umask, MODE);
        t.partial(Sysno.CAPGET, "the sets follow the effective uid (all capabilities for root, none otherwise); "
                + "capset is not implemented", SysIdentity::capget, PTR, PTR);
    }

    private static final int CAP_V1 = 0x19980330, CAP_V2 = 0x20071026, CAP_V3 = 0x20080522;
    /** CAP_LAST_CAP (CAP_CHECKPOINT_RESTORE, 40): every capability bit, as a 64-bit set. */
    private static final long CAP_ALL = (1L << 41) - 1;

    /**
     * Implements Linux capget(2) (kernel/capability.c). An unknown version is answered with
     * the preferred one written back and EINVAL, or 0 when {@code datap} is NULL (the probe
     * libcap makes). The sets are those of a process without file capabilities: root's are
     * full, and a process that left uid 0 has none; inheritable is empty.
     */
    static long capget(Task t) {
        var mem = t.mm().usermem();
        long hdr = t.arg(0), data = t.arg(1);
        int version = mem.readInt(hdr);
        int words = switch (version) {
            case CAP_V1 -> 1;
            case CAP_V2, CAP_V3 -> 2;
            default -> 0;
        };
        if (words == 0) {
            mem.writeInt(hdr, CAP_V3);
            if (data == 0) return 0;
            throw SyscallError.of(dev.cryo.sentry.abi.Errno.EINVAL);
        }
        if (data == 0) return 0;
        int pid = mem.readInt(hdr + 4);
        if (pid < 0) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EINVAL);
        Task of = pid == 0 ? t : t.kernel().tasks().get(pid);
        if (of == null) throw SyscallError.of(dev.cryo.sentry.abi.Errno.ESRCH);
        long caps = of.creds().euid == 0 ? CAP_ALL : 0;
        byte[] out = new byte[12 * words];
        var b = java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words; i++) {
            int w = (int) (caps >>> (32 * i));
            b.putInt(w).putInt(w).putInt(0); // effective, permitted, inheritable
        }
        mem.write(data, out);
        return 0;
    }

    /** Whether the task holds CAP_SETUID/CAP_SETGID/CAP_SYS_ADMIN...: root of the sandbox. */
    static boolean privileged(Task t) {
        return t.creds().euid == 0;
    }

    // ---- process ids

    /** Implements Linux getpid(2). */
    static long getpid(Task t) {
        return t.tgid();
    }

    /** Implements Linux gettid(2). */
    static long gettid(Task t) {
        return t.tid();
    }

    // ---- reading ids

    /** Implements Linux getuid(2). */
    static long getuid(Task t) {
        return t.creds().ruid;
    }

    /** Implements Linux geteuid(2). */
    static long geteuid(Task t) {
        return t.creds().euid;
    }

    /** Implements Linux getgid(2). */
    static long getgid(Task t) {
        return t.creds().rgid;
    }

    /** Implements Linux getegid(2). */
    static long getegid(Task t) {
        return t.creds().egid;
    }

    /** Implements Linux getresuid(2): the three ids written in order, stopping at the first fault. */
    static long getresuid(Task t) {
        Credentials c = t.creds();
        putIds(t, c.ruid, c.euid, c.suid);
        return 0;
    }

    /** Implements Linux getresgid(2). */
    static long getresgid(Task t) {
        Credentials c = t.creds();
        putIds(t, c.rgid, c.egid, c.sgid);
        return 0;
    }

    private static void putIds(Task t, int r, int e, int s) {
        Usermem mem = t.mm().usermem();
        mem.writeInt(t.arg(0), r);
        mem.writeInt(t.arg(1), e);
        mem.writeInt(t.arg(2), s);
    }

    /** Implements Linux getgroups(2): size 0 asks for the count; a smaller non-zero size is EINVAL. */
    static long getgroups(Task t) {
        int size = t.intArg(0);
        int[] groups = t.creds().groups;
        if (size < 0) throw SyscallError.of(EINVAL);
        if (size == 0) return groups.length;
        if (size < groups.length) throw SyscallError.of(EINVAL);
        t.mm().usermem().write(t.arg(1), intsToBytes(groups));
        return groups.length;
    }

    // ---- changing ids (kernel/sys.c; the cred is replaced only once every check passed)

    /** Implements Linux setuid(2). */
    static long setuid(Task t) {
        int uid = t.intArg(0);
        Credentials c = t.creds();
        if (uid == NO_ID) throw SyscallError.of(EINVAL);
        if (privileged(t)) {
            c.ruid = c.suid = uid;
        } else if (uid != c.ruid && uid != c.suid) {
            throw SyscallError.of(EPERM);
        }
        c.euid = c.fsuid = uid;
        return 0;
    }

    /** Implements Linux setgid(2). */
    static long setgid(Task t) {
        int gid = t.intArg(0);
        Credentials c = t.creds();
        if (gid == NO_ID) throw SyscallError.of(EINVAL);
        if (privileged(t)) {
            c.rgid = c.sgid = gid;
        } else if (gid != c.rgid && gid != c.sgid) {
            throw SyscallError.of(EPERM);
        }
        c.egid = c.fsgid = gid;
        return 0;
    }

    /** Implements Linux setreuid(2). */
    static long setreuid(Task t) {
        Credentials c = t.creds();
        int[] ids = setre(t.intArg(0), t.intArg(1), c.ruid, c.euid, c.suid, privileged(t));
        c.ruid = ids[0];
        c.euid = c.fsuid = ids[1];
        c.suid = ids[2];
        return 0;
    }

    /** Implements Linux setregid(2). */
    static long setregid(Task t) {
        Credentials c = t.creds();
        int[] ids = setre(t.intArg(0), t.intArg(1), c.rgid, c.egid, c.sgid, privileged(t));
        c.rgid = ids[0];
        c.egid = c.fsgid = ids[1];
        c.sgid = ids[2];
        return 0;
    }

    /**
     * setreuid's rules: an unprivileged caller may set the real id to its real or effective id,
     * and the effective id to any of its three; the saved id follows the new effective id when the
     * real id is set or the effective id moves away from the old real id.
     */
    private static int[] setre(int r, int e, int oldR, int oldE, int oldS, boolean cap) {
        int newR = oldR, newE = oldE, newS = oldS;
        if (r != NO_ID) {
            if (!cap && r != oldR && r != oldE) throw SyscallError.of(EPERM);
            newR = r;
        }
        if (e != NO_ID) {
            if (!cap && e != oldR && e != oldE && e != oldS) throw SyscallError.of(EPERM);
            newE = e;
        }
        if (r != NO_ID || (e != NO_ID && e != oldR)) newS = newE;
        return new int[] {newR, newE, newS};
    }

    /** Implements Linux setresuid(2). */
    static long setresuid(Task t) {
        Credentials c = t.creds();
        int[] ids = setres(t.intArg(0), t.intArg(1), t.intArg(2), c.ruid, c.euid, c.suid, privileged(t));
        c.ruid = ids[0];
        c.euid = c.fsuid = ids[1];
        c.suid = ids[2];
        return 0;
    }

    /** Implements Linux setresgid(2). */
    static long setresgid(Task t) {
        Credentials c = t.creds();
        int[] ids = setres(t.intArg(0), t.intArg(1), t.intArg(2), c.rgid, c.egid, c.sgid, privileged(t));
        c.rgid = ids[0];
        c.egid = c.fsgid = ids[1];
        c.sgid = ids[2];
        return 0;
    }

    /** setresuid's rule: unprivileged, each id given must be one of the current three. */
    private static int[] setres(int r, int e, int s, int oldR, int oldE, int oldS, boolean cap) {
        int[] given = {r, e, s};
        int[] out = {oldR, oldE, oldS};
        for (int i = 0; i < 3; i++) {
            int id = given[i];
            if (id == NO_ID) continue;
            if (!cap && id != oldR && id != oldE && id != oldS) throw SyscallError.of(EPERM);
            out[i] = id;
        }
        return out;
    }

    /**
     * Implements Linux setfsuid(2): always returns the previous fsuid; changes it only to one of
     * the task's ids, or to any valid id when privileged. Never fails.
     */
    static long setfsuid(Task t) {
        Credentials c = t.creds();
        int uid = t.intArg(0), old = c.fsuid;
        if (uid != NO_ID && (privileged(t) || uid == c.ruid || uid == c.euid || uid == c.suid || uid == c.fsuid)) {
            c.fsuid = uid;
        }
        return old;
    }

    /** Implements Linux setfsgid(2); as setfsuid. */
    static long setfsgid(Task t) {
        Credentials c = t.creds();
        int gid = t.intArg(0), old = c.fsgid;
        if (gid != NO_ID && (privileged(t) || gid == c.rgid || gid == c.egid || gid == c.sgid || gid == c.fsgid)) {
            c.fsgid = gid;
        }
        return old;
    }

    /** Implements Linux setgroups(2); the list is kept sorted, as groups_sort() does. */
    static long setgroups(Task t) {
        int size = t.intArg(0);
        if (!privileged(t)) throw SyscallError.of(EPERM);
        if (size < 0 || size > NGROUPS_MAX) throw SyscallError.of(EINVAL);
        int[] groups = bytesToInts(t.mm().usermem().read(t.arg(1), size * 4));
        for (int g : groups) {
            if (g == NO_ID) throw SyscallError.of(EINVAL);
        }
        // Linux sorts as gid_t, an unsigned type.
        groups = Arrays.stream(groups).mapToLong(Integer::toUnsignedLong).sorted().mapToInt(v -> (int) v).toArray();
        t.creds().groups = groups;
        return 0;
    }

    /** Implements Linux umask(2). */
    static long umask(Task t) {
        int old = t.fs().umask();
        t.fs().setUmask(t.intArg(0) & 0777);
        return old;
    }

    // ---- helpers

    static byte[] intsToBytes(int[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return b.array();
    }

    static int[] bytesToInts(byte[] bytes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[bytes.length / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getInt();
        return v;
    }
}
