package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.E2BIG;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENAMETOOLONG;
import static dev.cryo.sentry.abi.Errno.ENODATA;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static dev.cryo.sentry.abi.Errno.ERANGE;
import static dev.cryo.sentry.abi.Errno.EROFS;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.PATH;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;
import static dev.cryo.sentry.syscalls.SysFile.base;
import static dev.cryo.sentry.syscalls.SysFile.path;
import static dev.cryo.sentry.syscalls.SysFile.vfs;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;

/**
 * Extended attributes (fs/xattr.c). The sandbox exposes none: reads answer as Linux does for a
 * file without any on a filesystem that has them, as the usual host roots (ext4, xfs, btrfs)
 * do (getxattr ENODATA for a name in a namespace the filesystem knows, EOPNOTSUPP for any other;
 * listxattr an empty list), and changes fail with EROFS on the read-only root, each after
 * Linux's earlier checks.
 */
final class SysXattr {
    private SysXattr() {}

    private static final int XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536;
    private static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;
    private static final String NO_XATTRS = "no extended attributes are exposed: reads as a file without any, changes EROFS";

    static void register(SyscallTable t) {
        t.partial(Sysno.GETXATTR, NO_XATTRS, task -> get(task, true), PATH, Arg.BUF_IN, PTR, SIZE);
        t.partial(Sysno.LGETXATTR, NO_XATTRS, task -> get(task, false), PATH, Arg.BUF_IN, PTR, SIZE);
        t.partial(Sysno.FGETXATTR, NO_XATTRS, SysXattr::fgetxattr, FD, Arg.BUF_IN, PTR, SIZE);
        t.partial(Sysno.LISTXATTR, NO_XATTRS, task -> list(task, true), PATH, PTR, SIZE);
        t.partial(Sysno.LLISTXATTR, NO_XATTRS, task -> list(task, false), PATH, PTR, SIZE);
        t.partial(Sysno.FLISTXATTR, NO_XATTRS, SysXattr::flistxattr, FD, PTR, SIZE);
        t.partial(Sysno.SETXATTR, NO_XATTRS, task -> set(task, true), PATH, Arg.BUF_IN, PTR, SIZE, HEX);
        t.partial(Sysno.LSETXATTR, NO_XATTRS, task -> set(task, false), PATH, Arg.BUF_IN, PTR, SIZE, HEX);
        t.partial(Sysno.FSETXATTR, NO_XATTRS, SysXattr::fsetxattr, FD, Arg.BUF_IN, PTR, SIZE, HEX);
        t.partial(Sysno.REMOVEXATTR, NO_XATTRS, task -> remove(task, true), PATH, Arg.BUF_IN);
        t.partial(Sysno.LREMOVEXATTR, NO_XATTRS, task -> remove(task, false), PATH, Arg.BUF_IN);
        t.partial(Sysno.FREMOVEXATTR, NO_XATTRS, SysXattr::fremovexattr, FD, Arg.BUF_IN);
    }

    /** The attribute name: EFAULT, or ERANGE when empty or longer than XATTR_NAME_MAX. */
    private static String name(Task t, long addr) {
        try {
            byte[] n = t.mm().usermem().readCString(addr, XATTR_NAME_MAX + 1);
            if (n.length == 0) throw SyscallError.of(ERANGE);
            return new String(n, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (SyscallError e) {
            throw e.errno() == ENAMETOOLONG ? SyscallError.of(ERANGE) : e;
        }
    }

    /**
     * What getxattr finds for {@code name} on a file without attributes: ENODATA in the
     * namespaces ext4 has handlers for (xattr_resolve_name), EOPNOTSUPP for any other name.
     */
    private static SyscallError absent(String name) {
        boolean known = name.startsWith("user.") || name.startsWith("trusted.") || name.startsWith("security.")
                || name.equals("system.posix_acl_access") || name.equals("system.posix_acl_default");
        return SyscallError.of(known ? ENODATA : EOPNOTSUPP);
    }

    private static void lookup(Task t, boolean follow) {
        String p = path(t, t.arg(0));
        vfs(t).stat(base(t, SysFile.AT_FDCWD, p), p, follow);
    }

    /** Implements Linux getxattr(2) and lgetxattr(2). */
    static long get(Task t, boolean follow) {
        lookup(t, follow);
        throw absent(name(t, t.arg(1)));
    }

    /** Implements Linux fgetxattr(2). */
    static long fgetxattr(Task t) {
        t.fds().getIo(t.intArg(0));
        throw absent(name(t, t.arg(1)));
    }

    /** Implements Linux listxattr(2) and llistxattr(2): an empty list. */
    static long list(Task t, boolean follow) {
        lookup(t, follow);
        return 0;
    }

    /** Implements Linux flistxattr(2): an empty list. */
    static long flistxattr(Task t) {
        t.fds().getIo(t.intArg(0));
        return 0;
    }

    private static void setArgs(Task t) {
        int flags = t.intArg(4);
        if ((flags & ~(XATTR_CREATE | XATTR_REPLACE)) != 0) throw SyscallError.of(EINVAL);
        name(t, t.arg(1));
        if (Long.compareUnsigned(t.arg(3), XATTR_SIZE_MAX) > 0) throw SyscallError.of(E2BIG);
    }

    /** Implements Linux setxattr(2) and lsetxattr(2). */
    static long set(Task t, boolean follow) {
        setArgs(t);
        lookup(t, follow);
        throw SyscallError.of(EROFS);
    }

    /** Implements Linux fsetxattr(2). */
    static long fsetxattr(Task t) {
        t.fds().getIo(t.intArg(0));
        setArgs(t);
        throw SyscallError.of(EROFS);
    }

    /** Implements Linux removexattr(2) and lremovexattr(2). */
    static long remove(Task t, boolean follow) {
        name(t, t.arg(1));
        lookup(t, follow);
        throw SyscallError.of(EROFS);
    }

    /** Implements Linux fremovexattr(2). */
    static long fremovexattr(Task t) {
        t.fds().getIo(t.intArg(0));
        name(t, t.arg(1));
        throw SyscallError.of(EROFS);
    }
}
