package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.syscalls.Arg.ACCESS_MODE;
import static dev.cryo.sentry.syscalls.Arg.AT_FLAGS;
import static dev.cryo.sentry.syscalls.Arg.BUF_OUT;
import static dev.cryo.sentry.syscalls.Arg.DIRFD;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.PATH;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;
import static dev.cryo.sentry.syscalls.SysFile.AT_EMPTY_PATH;
import static dev.cryo.sentry.syscalls.SysFile.AT_FDCWD;
import static dev.cryo.sentry.syscalls.SysFile.AT_NO_AUTOMOUNT;
import static dev.cryo.sentry.syscalls.SysFile.AT_SYMLINK_NOFOLLOW;
import static dev.cryo.sentry.syscalls.SysFile.base;
import static dev.cryo.sentry.syscalls.SysFile.path;
import static dev.cryo.sentry.syscalls.SysFile.vfs;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Stat;

/** stat and its relatives, statfs, readlink and access (Linux's fs/stat.c, fs/statfs.c, fs/open.c). */
final class SysStat {
    private SysStat() {}

    private static final int AT_EACCESS = 0x200;
    private static final int AT_STATX_SYNC_TYPE = 0x6000;
    private static final int STATX_RESERVED = 0x80000000;

    static void register(SyscallTable t) {
        t.supported(Sysno.STAT, SysStat::stat, PATH, PTR);
        t.supported(Sysno.LSTAT, SysStat::lstat, PATH, PTR);
        t.supported(Sysno.FSTAT, SysStat::fstat, FD, PTR);
        t.supported(Sysno.NEWFSTATAT, SysStat::newfstatat, DIRFD, PATH, PTR, AT_FLAGS);
        t.partial(Sysno.STATX, "STATX_BASIC_STATS only: no birth time, mount id or attributes",
                SysStat::statx, DIRFD, PATH, AT_FLAGS, HEX, PTR);
        t.supported(Sysno.STATFS, SysStat::statfs, PATH, PTR);
        t.supported(Sysno.FSTATFS, SysStat::fstatfs, FD, PTR);
        t.supported(Sysno.READLINK, SysStat::readlink, PATH, BUF_OUT, SIZE);
        t.supported(Sysno.READLINKAT, SysStat::readlinkat, DIRFD, PATH, BUF_OUT, SIZE);
        t.supported(Sysno.ACCESS, SysStat::access, PATH, ACCESS_MODE);
        t.supported(Sysno.FACCESSAT, SysStat::faccessat, DIRFD, PATH, ACCESS_MODE);
        t.supported(Sysno.FACCESSAT2, SysStat::faccessat2, DIRFD, PATH, ACCESS_MODE, AT_FLAGS);
    }

    /** Implements Linux stat(2). */
    static long stat(Task t) {
        return statAt(t, AT_FDCWD, t.arg(0), t.arg(1), 0);
    }

    /** Implements Linux lstat(2). */
    static long lstat(Task t) {
        return statAt(t, AT_FDCWD, t.arg(0), t.arg(1), AT_SYMLINK_NOFOLLOW);
    }

    /** Implements Linux fstat(2). */
    static long fstat(Task t) {
        byte[] st = t.fds().get(t.intArg(0)).stat();
        t.mm().usermem().write(t.arg(1), st);
        return 0;
    }

    /** Implements Linux newfstatat(2). */
    static long newfstatat(Task t) {
        int flags = t.intArg(3);
        // vfs_statx's mask: the statx sync flags are accepted (and mean nothing for a stat).
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) != 0) {
            throw SyscallError.of(EINVAL);
        }
        return statAt(t, t.intArg(0), t.arg(1), t.arg(2), flags);
    }

    private static long statAt(Task t, int dirfd, long pathAddr, long buf, int flags) {
        // vfs_fstatat (Linux 6.11 on): a NULL path with AT_EMPTY_PATH names dirfd, as for statx.
        t.mm().usermem().write(buf, lookupStat(t, dirfd, pathAddr, flags, (flags & AT_EMPTY_PATH) != 0));
        return 0;
    }

    /**
     * The stat of what (dirfd, path, flags) names. With AT_EMPTY_PATH an empty path (or, for
     * statx, a NULL one) names dirfd itself.
     */
    private static byte[] lookupStat(Task t, int dirfd, long pathAddr, int flags, boolean nullOk) {
        String path = nullOk && pathAddr == 0 ? "" : path(t, pathAddr);
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            return dirfd == AT_FDCWD ? vfs(t).stat(t.fs().cwd(), ".", true) : t.fds().get(dirfd).stat();
        }
        return vfs(t).stat(base(t, dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }

    /** Implements Linux statx(2), from the file's struct stat. */
    static long statx(Task t) {
        int dirfd = t.intArg(0), flags = t.intArg(2), mask = t.intArg(3);
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) != 0
                || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX_RESERVED) != 0) {
            throw SyscallError.of(EINVAL);
        }
        byte[] x = Stat.toStatx(lookupStat(t, dirfd, t.arg(1), flags, (flags & AT_EMPTY_PATH) != 0));
        t.mm().usermem().write(t.arg(4), x);
        return 0;
    }

    /** Implements Linux statfs(2): the host's numbers, with ST_RDONLY. */
    static long statfs(Task t) {
        String path = path(t, t.arg(0));
        t.mm().usermem().write(t.arg(1), vfs(t).statfs(base(t, AT_FDCWD, path), path));
        return 0;
    }

    /** Implements Linux fstatfs(2). */
    static long fstatfs(Task t) {
        t.mm().usermem().write(t.arg(1), t.fds().get(t.intArg(0)).statfs());
        return 0;
    }

    /** Implements Linux readlink(2). */
    static long readlink(Task t) {
        return readlinkAt(t, AT_FDCWD, t.arg(0), t.arg(1), t.intArg(2));
    }

    /** Implements Linux readlinkat(2). */
    static long readlinkat(Task t) {
        return readlinkAt(t, t.intArg(0), t.arg(1), t.arg(2), t.intArg(3));
    }

    private static long readlinkAt(Task t, int dirfd, long pathAddr, long buf, int size) {
        if (size <= 0) throw SyscallError.of(EINVAL);
        String path = path(t, pathAddr);
        byte[] target;
        if (path.isEmpty() && dirfd != AT_FDCWD) {
            // readlinkat(fd, "") reads the link an O_PATH|O_NOFOLLOW descriptor is open on;
            // any other file is ENOENT there, as Linux's lookup of the empty name answers.
            FileDescription f = t.fds().get(dirfd);
            try {
                target = vfs(t).readlink("/", f.path());
            } catch (SyscallError e) {
                throw e.errno() == EINVAL ? SyscallError.of(dev.cryo.sentry.abi.Errno.ENOENT) : e;
            }
        } else {
            target = vfs(t).readlink(base(t, dirfd, path), path);
        }
        int n = Math.min(size, target.length);
        t.mm().usermem().write(buf, target, 0, n);
        return n;
    }

    /** Implements Linux access(2). */
    static long access(Task t) {
        return accessAt(t, AT_FDCWD, t.arg(0), t.intArg(1), 0);
    }

    /** Implements Linux faccessat(2). */
    static long faccessat(Task t) {
        return accessAt(t, t.intArg(0), t.arg(1), t.intArg(2), 0);
    }

    /** Implements Linux faccessat2(2). */
    static long faccessat2(Task t) {
        int flags = t.intArg(3);
        if ((flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw SyscallError.of(EINVAL);
        return accessAt(t, t.intArg(0), t.arg(1), t.intArg(2), flags);
    }

    /** As root by default; AT_EACCESS checks the effective ids instead of the real ones. */
    private static long accessAt(Task t, int dirfd, long pathAddr, int mode, int flags) {
        if ((mode & ~7) != 0) throw SyscallError.of(EINVAL);
        String path = path(t, pathAddr);
        int uid = (flags & AT_EACCESS) != 0 ? t.creds().euid : t.creds().ruid;
        int gid = (flags & AT_EACCESS) != 0 ? t.creds().egid : t.creds().rgid;
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            String at = dirfd == AT_FDCWD ? t.fs().cwd() : t.fds().get(dirfd).path();
            vfs(t).access("/", at, mode, false, uid, gid, t.creds().groups);
            return 0;
        }
        vfs(t).access(base(t, dirfd, path), path, mode, (flags & AT_SYMLINK_NOFOLLOW) == 0, uid, gid, t.creds().groups);
        return 0;
    }
}
