package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.E2BIG;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ELOOP;
import static dev.cryo.sentry.abi.Errno.ENAMETOOLONG;
import static dev.cryo.sentry.syscalls.Arg.AT_FLAGS;
import static dev.cryo.sentry.syscalls.Arg.DIRFD;
import static dev.cryo.sentry.syscalls.Arg.PATH;
import static dev.cryo.sentry.syscalls.Arg.STRV;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** execve and execveat (fs/exec.c): the argument vectors are read here, the image replaced by Task.exec. */
final class SysExec {
    private SysExec() {}

    /** MAX_ARG_STRLEN: one argument or environment string, NUL included. */
    private static final int MAX_ARG_STRLEN = 32 * 4096;
    /** MAX_ARG_STRINGS. */
    private static final int MAX_ARG_STRINGS = 0x7fffffff;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;

    static void register(SyscallTable t) {
        t.partial(Sysno.EXECVE, "arguments are taken as UTF-8 text", SysExec::execve, PATH, STRV, STRV);
        t.partial(Sysno.EXECVEAT, "as execve", SysExec::execveat, DIRFD, PATH, STRV, STRV, AT_FLAGS);
    }

    /** Implements Linux execve(2). */
    static long execve(Task t) {
        return exec(t, SysFile.AT_FDCWD, t.arg(0), t.arg(1), t.arg(2), 0);
    }

    /** Implements Linux execveat(2). */
    static long execveat(Task t) {
        return exec(t, t.intArg(0), t.arg(1), t.arg(2), t.arg(3), t.intArg(4));
    }

    private static long exec(Task t, int dirfd, long pathAddr, long argvAddr, long envpAddr, int flags) {
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw SyscallError.of(EINVAL);
        String path = SysFile.path(t, pathAddr);
        String dir;
        // What the program is told it is: the path, or for a descriptor /dev/fd/N[/path] (alloc_bprm).
        String filename = path;
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            FileDescription f = t.fds().get(dirfd); // the descriptor's own file
            filename = "/dev/fd/" + dirfd;
            path = f.path();
            dir = "/";
        } else {
            if (dirfd != SysFile.AT_FDCWD && !path.startsWith("/")) filename = "/dev/fd/" + dirfd + "/" + path;
            dir = SysFile.base(t, dirfd, path);
            if ((flags & AT_SYMLINK_NOFOLLOW) != 0) {
                try (Node n = SysFile.vfs(t).lookup(dir, path, false)) {
                    if (Stat.isSymlink(n.stat())) throw SyscallError.of(ELOOP);
                }
            }
        }
        List<String> argv = strings(t.mm().usermem(), argvAddr);
        List<String> envp = strings(t.mm().usermem(), envpAddr);
        t.exec(dir, path, filename, argv, envp);
        return 0;
    }

    /** A NULL-terminated array of strings (NULL itself: none). EFAULT, or E2BIG past Linux's limits. */
    static List<String> strings(Usermem mem, long addr) {
        List<String> out = new ArrayList<>();
        if (addr == 0) return out;
        for (long p = addr;; p += 8) {
            long s = mem.readLong(p);
            if (s == 0) return out;
            if (out.size() >= MAX_ARG_STRINGS) throw SyscallError.of(E2BIG);
            try {
                out.add(new String(mem.readCString(s, MAX_ARG_STRLEN), StandardCharsets.UTF_8));
            } catch (SyscallError e) {
                throw e.errno() == ENAMETOOLONG ? SyscallError.of(E2BIG) : e;
            }
        }
    }

}
