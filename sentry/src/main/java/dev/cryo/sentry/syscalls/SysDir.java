package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.ENOTDIR;
import static dev.cryo.sentry.abi.Errno.ERANGE;
import static dev.cryo.sentry.syscalls.Arg.BUF_OUT;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.PATH;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;
import static dev.cryo.sentry.syscalls.SysFile.AT_FDCWD;
import static dev.cryo.sentry.syscalls.SysFile.base;
import static dev.cryo.sentry.syscalls.SysFile.path;
import static dev.cryo.sentry.syscalls.SysFile.vfs;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.VirtualFilesystem;

/** Directories: listing them and the working directory (fs/readdir.c, fs/d_path.c, fs/open.c). */
final class SysDir {
    private SysDir() {}

    static void register(SyscallTable t) {
        t.supported(Sysno.GETDENTS64, SysDir::getdents64, FD, PTR, SIZE);
        t.supported(Sysno.GETCWD, SysDir::getcwd, BUF_OUT, SIZE);
        t.supported(Sysno.CHDIR, SysDir::chdir, PATH);
        t.supported(Sysno.FCHDIR, SysDir::fchdir, FD);
    }

    /** Implements Linux getdents64(2). */
    static long getdents64(Task t) {
        FileDescription f = t.fds().getIo(t.intArg(0));
        long len = t.arg(2) & 0xffffffffL; // unsigned int count
        if (!f.isDirectory()) throw SyscallError.of(ENOTDIR);
        return f.getdents64(t.mm().usermem(), t.arg(1), len);
    }

    /** Implements Linux getcwd(2): the length including the NUL; ERANGE if it does not fit. */
    static long getcwd(Task t) {
        byte[] cwd = VirtualFilesystem.pathBytes(t.fs().cwd());
        long size = t.arg(1);
        if (cwd.length + 1 > size) throw SyscallError.of(ERANGE);
        byte[] out = java.util.Arrays.copyOf(cwd, cwd.length + 1);
        t.mm().usermem().write(t.arg(0), out);
        return out.length;
    }

    /** Implements Linux chdir(2). */
    static long chdir(Task t) {
        String path = path(t, t.arg(0));
        String dir = vfs(t).lookupDirectory(base(t, AT_FDCWD, path), path);
        t.fs().setCwd(dir);
        return 0;
    }

    /** Implements Linux fchdir(2): O_PATH descriptors are accepted, as Linux does. */
    static long fchdir(Task t) {
        FileDescription f = t.fds().get(t.intArg(0));
        if (!f.isDirectory()) throw SyscallError.of(ENOTDIR);
        t.fs().setCwd(f.path());
        return 0;
    }

}
