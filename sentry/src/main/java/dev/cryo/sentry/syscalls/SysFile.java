package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOENT;
import static dev.cryo.sentry.abi.Errno.ENOTDIR;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.EROFS;
import static dev.cryo.sentry.syscalls.Arg.AT_FLAGS;
import static dev.cryo.sentry.syscalls.Arg.DIRFD;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.MODE;
import static dev.cryo.sentry.syscalls.Arg.OFLAGS;
import static dev.cryo.sentry.syscalls.Arg.PATH;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.VirtualFilesystem;

/**
 * Opening and closing files, duplicating descriptors, and the calls that would change the
 * (read-only) tree: those make Linux's argument and lookup checks, then fail with EROFS.
 */
final class SysFile {
    private SysFile() {}

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
            AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;
    /** PATH_MAX, counting the NUL. */
    static final int PATH_MAX = 4096;
    private static final String READ_ONLY = "the root filesystem is read-only: EROFS after Linux's checks";

    static void register(SyscallTable t) {
        String dac = "the file's permission bits and the search bits of the directories above it are checked "
                + "against the caller's ids; directories a symbolic link was found in are not";
        t.partial(Sysno.OPEN, dac, SysFile::open, PATH, OFLAGS, MODE);
        t.partial(Sysno.OPENAT, dac, SysFile::openat, DIRFD, PATH, OFLAGS, MODE);
        t.supported(Sysno.CREAT, SysFile::creat, PATH, MODE);
        t.supported(Sysno.CLOSE, SysFile::close, FD);
        t.supported(Sysno.CLOSE_RANGE, SysFile::closeRange, FD, FD, HEX);
        t.supported(Sysno.DUP, SysFile::dup, FD);
        t.supported(Sysno.DUP2, SysFile::dup2, FD, FD);
        t.supported(Sysno.DUP3, SysFile::dup3, FD, FD, OFLAGS);
        t.partial(Sysno.MKDIR, READ_ONLY, SysFile::mkdir, PATH, MODE);
        t.partial(Sysno.MKDIRAT, READ_ONLY, SysFile::mkdirat, DIRFD, PATH, MODE);
        t.partial(Sysno.MKNOD, READ_ONLY, SysFile::mknod, PATH, MODE, HEX);
        t.partial(Sysno.MKNODAT, READ_ONLY, SysFile::mknodat, DIRFD, PATH, MODE, HEX);
        t.partial(Sysno.RMDIR, READ_ONLY, SysFile::rmdir, PATH);
        t.partial(Sysno.UNLINK, READ_ONLY, SysFile::unlink, PATH);
        t.partial(Sysno.UNLINKAT, READ_ONLY, SysFile::unlinkat, DIRFD, PATH, AT_FLAGS);
        t.partial(Sysno.RENAME, READ_ONLY, SysFile::rename, PATH, PATH);
        t.partial(Sysno.RENAMEAT, READ_ONLY, SysFile::renameat, DIRFD, PATH, DIRFD, PATH);
        t.partial(Sysno.RENAMEAT2, READ_ONLY, SysFile::renameat2, DIRFD, PATH, DIRFD, PATH, HEX);
        t.partial(Sysno.LINK, READ_ONLY, SysFile::link, PATH, PATH);
        t.partial(Sysno.LINKAT, READ_ONLY, SysFile::linkat, DIRFD, PATH, DIRFD, PATH, AT_FLAGS);
        t.partial(Sysno.SYMLINK, READ_ONLY, SysFile::symlink, PATH, PATH);
        t.partial(Sysno.SYMLINKAT, READ_ONLY, SysFile::symlinkat, PATH, DIRFD, PATH);
        t.partial(Sysno.CHMOD, READ_ONLY, SysFile::chmod, PATH, MODE);
        t.partial(Sysno.FCHMOD, READ_ONLY, SysFile::fchmod, FD, MODE);
        t.partial(Sysno.FCHMODAT, READ_ONLY, SysFile::fchmodat, DIRFD, PATH, MODE);
        t.partial(Sysno.CHOWN, READ_ONLY, SysFile::chown, PATH, INT, INT);
        t.partial(Sysno.LCHOWN, READ_ONLY, SysFile::lchown, PATH, INT, INT);
        t.partial(Sysno.FCHOWN, READ_ONLY, SysFile::fchown, FD, INT, INT);
        t.partial(Sysno.FCHOWNAT, READ_ONLY, SysFile::fchownat, DIRFD, PATH, INT, INT, AT_FLAGS);
        t.partial(Sysno.TRUNCATE, READ_ONLY, SysFile::truncate, PATH, SIZE);
        t.partial(Sysno.FTRUNCATE, READ_ONLY, SysFile::ftruncate, FD, SIZE);
        t.partial(Sysno.UTIMENSAT, READ_ONLY, SysFile::utimensat, DIRFD, PATH, PTR, AT_FLAGS);
        t.partial(Sysno.UTIMES, READ_ONLY, SysFile::utimes, PATH, PTR);
        t.partial(Sysno.FUTIMESAT, READ_ONLY, SysFile::futimesat, DIRFD, PATH, PTR);
        t.partial(Sysno.UTIME, READ_ONLY, SysFile::utime, PATH, PTR);
    }

    // ---- helpers shared by the file families

    static VirtualFilesystem vfs(Task t) {
        return t.kernel().vfs();
    }

    /** Reads the path argument at {@code addr}: EFAULT, ENAMETOOLONG past PATH_MAX. */
    static String path(Task t, long addr) {
        return VirtualFilesystem.pathString(t.mm().usermem().readCString(addr, PATH_MAX));
    }

    /**
     * The canonical directory a path from {@code dirfd} starts at: ENOENT for an empty path
     * (before the descriptor is looked at, as getname() fails first), none needed for an
     * absolute one, the cwd for AT_FDCWD, else the descriptor's directory (EBADF, ENOTDIR).
     */
    static String base(Task t, int dirfd, String path) {
        if (path.isEmpty()) throw SyscallError.of(ENOENT);
        if (path.startsWith("/")) return "/";
        if (dirfd == AT_FDCWD) return t.fs().cwd();
        FileDescription f = t.fds().get(dirfd);
        if (!f.isDirectory()) throw SyscallError.of(ENOTDIR);
        return f.path();
    }

    // ---- open and close

    /** Implements Linux open(2). */
    static long open(Task t) {
        return doOpen(t, AT_FDCWD, t.arg(0), t.intArg(1));
    }

    /** Implements Linux openat(2). */
    static long openat(Task t) {
        return doOpen(t, t.intArg(0), t.arg(1), t.intArg(2));
    }

    /** Implements Linux creat(2): open with O_CREAT|O_WRONLY|O_TRUNC. */
    static long creat(Task t) {
        return doOpen(t, AT_FDCWD, t.arg(0), OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC);
    }

    private static long doOpen(Task t, int dirfd, long pathAddr, int flags) {
        String path = path(t, pathAddr);
        var c = t.creds();
        FileDescription f = vfs(t).open(base(t, dirfd, path), path, flags, c.fsuid, c.fsgid, c.groups);
        f.incRef(); // held while installing, so a failed install releases it
        try {
            return t.fds().install(f, (flags & OpenFlags.O_CLOEXEC) != 0, 0);
        } finally {
            f.decRef();
        }
    }

    /** Implements Linux close(2). */
    static long close(Task t) {
        t.fds().close(t.intArg(0));
        return 0;
    }

    /** Implements Linux close_range(2). */
    static long closeRange(Task t) {
        long first = t.arg(0) & 0xffffffffL, last = t.arg(1) & 0xffffffffL;
        int flags = t.intArg(2);
        final int CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;
        if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) != 0 || first > last) {
            throw SyscallError.of(EINVAL);
        }
        if ((flags & CLOSE_RANGE_UNSHARE) != 0) t.unshareFds();
        if (first >= Integer.MAX_VALUE) return 0;
        t.fds().closeRange((int) first, (int) Math.min(last, Integer.MAX_VALUE), (flags & CLOSE_RANGE_CLOEXEC) != 0);
        return 0;
    }

    /** Implements Linux dup(2). */
    static long dup(Task t) {
        FileDescription f = t.fds().get(t.intArg(0));
        return t.fds().install(f, false, 0);
    }

    /** Implements Linux dup2(2). */
    static long dup2(Task t) {
        int oldFd = t.intArg(0), newFd = t.intArg(1);
        FileDescription f = t.fds().get(oldFd);
        if (oldFd == newFd) return newFd;
        return dupTo(t.fds(), f, newFd, false);
    }

    /** Implements Linux dup3(2). */
    static long dup3(Task t) {
        int oldFd = t.intArg(0), newFd = t.intArg(1), flags = t.intArg(2);
        if ((flags & ~OpenFlags.O_CLOEXEC) != 0) throw SyscallError.of(EINVAL);
        if (oldFd == newFd) throw SyscallError.of(EINVAL);
        FileDescription f = t.fds().get(oldFd);
        return dupTo(t.fds(), f, newFd, (flags & OpenFlags.O_CLOEXEC) != 0);
    }

    private static long dupTo(FdTable fds, FileDescription f, int newFd, boolean cloexec) {
        if (newFd < 0 || newFd >= fds.limit()) throw SyscallError.of(EBADF);
        fds.installAt(newFd, f, cloexec);
        return newFd;
    }

    // ---- the calls that would write: checks, then EROFS

    /** Implements Linux mkdir(2): EEXIST if the name is taken, else EROFS. */
    static long mkdir(Task t) {
        return create(t, AT_FDCWD, t.arg(0));
    }

    /** Implements Linux mkdirat(2): EEXIST if the name is taken, else EROFS. */
    static long mkdirat(Task t) {
        return create(t, t.intArg(0), t.arg(1));
    }

    /** Implements Linux mknod(2): the file type is checked first (EPERM for S_IFDIR, EINVAL for unknown). */
    static long mknod(Task t) {
        checkMknodMode(t.intArg(1));
        return create(t, AT_FDCWD, t.arg(0));
    }

    /** Implements Linux mknodat(2). */
    static long mknodat(Task t) {
        checkMknodMode(t.intArg(2));
        return create(t, t.intArg(0), t.arg(1));
    }

    private static void checkMknodMode(int mode) {
        int type = mode & 0170000;
        if (type == 040000) throw SyscallError.of(EPERM);
        if (type != 0 && type != 0100000 && type != 020000 && type != 060000 && type != 010000 && type != 0140000) {
            throw SyscallError.of(EINVAL);
        }
    }

    private static long create(Task t, int dirfd, long pathAddr) {
        String path = path(t, pathAddr);
        vfs(t).checkCreate(base(t, dirfd, path), path);
        throw SyscallError.of(EROFS);
    }

    /** Implements Linux rmdir(2). */
    static long rmdir(Task t) {
        String path = path(t, t.arg(0));
        vfs(t).checkRemove(base(t, AT_FDCWD, path), path, true);
        return 0;
    }

    /** Implements Linux unlink(2). */
    static long unlink(Task t) {
        String path = path(t, t.arg(0));
        vfs(t).checkRemove(base(t, AT_FDCWD, path), path, false);
        return 0;
    }

    /** Implements Linux unlinkat(2). */
    static long unlinkat(Task t) {
        int flags = t.intArg(2);
        if ((flags & ~AT_REMOVEDIR) != 0) throw SyscallError.of(EINVAL);
        String path = path(t, t.arg(1));
        vfs(t).checkRemove(base(t, t.intArg(0), path), path, (flags & AT_REMOVEDIR) != 0);
        return 0;
    }

    /** Implements Linux rename(2). */
    static long rename(Task t) {
        return doRename(t, AT_FDCWD, t.arg(0), AT_FDCWD, t.arg(1), 0);
    }

    /** Implements Linux renameat(2). */
    static long renameat(Task t) {
        return doRename(t, t.intArg(0), t.arg(1), t.intArg(2), t.arg(3), 0);
    }

    /** Implements Linux renameat2(2). */
    static long renameat2(Task t) {
        return doRename(t, t.intArg(0), t.arg(1), t.intArg(2), t.arg(3), t.intArg(4));
    }

    private static long doRename(Task t, int oldDir, long oldAddr, int newDir, long newAddr, int flags) {
        final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) throw SyscallError.of(EINVAL);
        if ((flags & RENAME_NOREPLACE) != 0 && (flags & RENAME_EXCHANGE) != 0) throw SyscallError.of(EINVAL);
        if ((flags & RENAME_WHITEOUT) != 0 && (flags & RENAME_EXCHANGE) != 0) throw SyscallError.of(EINVAL);
        String from = path(t, oldAddr);
        String to = path(t, newAddr);
        vfs(t).checkRename(base(t, oldDir, from), from, base(t, newDir, to), to);
        return 0;
    }

    /** Implements Linux link(2). */
    static long link(Task t) {
        return doLink(t, AT_FDCWD, t.arg(0), AT_FDCWD, t.arg(1), 0);
    }

    /** Implements Linux linkat(2). */
    static long linkat(Task t) {
        return doLink(t, t.intArg(0), t.arg(1), t.intArg(2), t.arg(3), t.intArg(4));
    }

    private static long doLink(Task t, int oldDir, long oldAddr, int newDir, long newAddr, int flags) {
        if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0) throw SyscallError.of(EINVAL);
        String from = path(t, oldAddr);
        if (from.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            t.fds().get(oldDir); // linking an open file: EBADF for a bad one
        } else {
            vfs(t).lookup(base(t, oldDir, from), from, (flags & AT_SYMLINK_FOLLOW) != 0).close();
        }
        return create(t, newDir, newAddr);
    }

    /** Implements Linux symlink(2). */
    static long symlink(Task t) {
        if (path(t, t.arg(0)).isEmpty()) throw SyscallError.of(ENOENT);
        return create(t, AT_FDCWD, t.arg(1));
    }

    /** Implements Linux symlinkat(2). */
    static long symlinkat(Task t) {
        if (path(t, t.arg(0)).isEmpty()) throw SyscallError.of(ENOENT);
        return create(t, t.intArg(1), t.arg(2));
    }

    /** Implements Linux chmod(2). */
    static long chmod(Task t) {
        return modify(t, AT_FDCWD, t.arg(0), 0, true);
    }

    /** Implements Linux fchmod(2). */
    static long fchmod(Task t) {
        t.fds().getIo(t.intArg(0));
        throw SyscallError.of(EROFS);
    }

    /** Implements Linux fchmodat(2). */
    static long fchmodat(Task t) {
        return modify(t, t.intArg(0), t.arg(1), 0, true);
    }

    /** Implements Linux chown(2). */
    static long chown(Task t) {
        return modify(t, AT_FDCWD, t.arg(0), 0, true);
    }

    /** Implements Linux lchown(2). */
    static long lchown(Task t) {
        return modify(t, AT_FDCWD, t.arg(0), 0, false);
    }

    /** Implements Linux fchown(2). */
    static long fchown(Task t) {
        t.fds().getIo(t.intArg(0));
        throw SyscallError.of(EROFS);
    }

    /** Implements Linux fchownat(2). */
    static long fchownat(Task t) {
        int flags = t.intArg(4);
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw SyscallError.of(EINVAL);
        return modify(t, t.intArg(0), t.arg(1), flags, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }

    private static long modify(Task t, int dirfd, long pathAddr, int flags, boolean follow) {
        String path = path(t, pathAddr);
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            if (dirfd != AT_FDCWD) t.fds().get(dirfd);
            throw SyscallError.of(EROFS);
        }
        vfs(t).checkModify(base(t, dirfd, path), path, follow);
        return 0;
    }

    /** Implements Linux truncate(2). */
    static long truncate(Task t) {
        String path = path(t, t.arg(0));
        if (t.arg(1) < 0) throw SyscallError.of(EINVAL);
        vfs(t).checkTruncate(base(t, AT_FDCWD, path), path);
        return 0;
    }

    /** Implements Linux ftruncate(2): EINVAL unless open for writing, which nothing here is. */
    static long ftruncate(Task t) {
        if (t.arg(1) < 0) throw SyscallError.of(EINVAL);
        FileDescription f = t.fds().getIo(t.intArg(0));
        if (!f.writable() || !dev.cryo.sentry.vfs.Stat.isRegular(f.stat())) throw SyscallError.of(EINVAL);
        throw SyscallError.of(EROFS);
    }

    /** Implements Linux utimensat(2). */
    static long utimensat(Task t) {
        int dirfd = t.intArg(0), flags = t.intArg(3);
        long pathAddr = t.arg(1), times = t.arg(2);
        final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
        if (times != 0) {
            long[] nsec = {t.mm().usermem().readLong(times + 8), t.mm().usermem().readLong(times + 24)};
            // sys_utimensat: "Nothing to do, we must not even check the path" (nor the flags).
            if (nsec[0] == UTIME_OMIT && nsec[1] == UTIME_OMIT) return 0;
            for (long ns : nsec) {
                if ((ns < 0 || ns >= 1_000_000_000L) && ns != UTIME_NOW && ns != UTIME_OMIT) {
                    throw SyscallError.of(EINVAL);
                }
            }
        }
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw SyscallError.of(EINVAL);
        if (pathAddr == 0) {
            // futimens(): the descriptor itself.
            if (dirfd == AT_FDCWD) throw SyscallError.of(EFAULT_FOR_NULL);
            t.fds().get(dirfd);
            throw SyscallError.of(EROFS);
        }
        return modify(t, dirfd, pathAddr, flags, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }

    /** Implements Linux utimes(2): futimesat from the cwd. */
    static long utimes(Task t) {
        return futimesat(t, AT_FDCWD, t.arg(0), t.arg(1));
    }

    /** Implements Linux futimesat(2). */
    static long futimesat(Task t) {
        return futimesat(t, t.intArg(0), t.arg(1), t.arg(2));
    }

    /**
     * do_futimesat: two struct timevals, each tv_usec within [0, 10^6) (checked here, before
     * the microseconds become nanoseconds), then do_utimes: a null path with a descriptor is
     * that descriptor, with AT_FDCWD EFAULT.
     */
    private static long futimesat(Task t, int dirfd, long pathAddr, long times) {
        if (times != 0) {
            Usermem mem = t.mm().usermem();
            long[] usec = {mem.readLong(times + 8), mem.readLong(times + 24)};
            for (long us : usec) if (us < 0 || us >= 1_000_000L) throw SyscallError.of(EINVAL);
        }
        return utimes(t, dirfd, pathAddr);
    }

    /** Implements Linux utime(2): a struct utimbuf of whole seconds, or null for now. */
    static long utime(Task t) {
        long times = t.arg(1);
        if (times != 0) t.mm().usermem().read(times, 16); // get_user of both: EFAULT first
        return utimes(t, AT_FDCWD, t.arg(0));
    }

    private static long utimes(Task t, int dirfd, long pathAddr) {
        if (pathAddr == 0) {
            if (dirfd == AT_FDCWD) throw SyscallError.of(EFAULT_FOR_NULL);
            t.fds().get(dirfd);
            throw SyscallError.of(EROFS);
        }
        return modify(t, dirfd, pathAddr, 0, true);
    }

    /** utimensat(AT_FDCWD, NULL, ...) is EFAULT in Linux (do_utimes). */
    private static final int EFAULT_FOR_NULL = dev.cryo.sentry.abi.Errno.EFAULT;
}
