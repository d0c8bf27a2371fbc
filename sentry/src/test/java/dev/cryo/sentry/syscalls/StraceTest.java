package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.syscalls.Arg.BUF_IN;
import static dev.cryo.sentry.syscalls.Arg.BUF_OUT;
import static dev.cryo.sentry.syscalls.Arg.DIRFD;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.MAP_FLAGS;
import static dev.cryo.sentry.syscalls.Arg.MODE;
import static dev.cryo.sentry.syscalls.Arg.OFLAGS;
import static dev.cryo.sentry.syscalls.Arg.PATH;
import static dev.cryo.sentry.syscalls.Arg.PROT;
import static dev.cryo.sentry.syscalls.Arg.SIZE;
import static dev.cryo.sentry.syscalls.Arg.STRV;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.Sysno;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StraceTest extends SysTestBase {
    static SyscallTable.Entry entry(int nr, Arg result, Arg... args) {
        return new SyscallTable.Entry(nr, Sysno.name(nr), SyscallTable.Support.SUPPORTED, "", null, args, result);
    }

    static final SyscallTable.Entry OPENAT = entry(Sysno.OPENAT, Arg.LONG, DIRFD, PATH, OFLAGS, MODE);
    static final SyscallTable.Entry READ = entry(Sysno.READ, Arg.LONG, FD, BUF_OUT, SIZE);
    static final SyscallTable.Entry WRITE = entry(Sysno.WRITE, Arg.LONG, FD, BUF_IN, SIZE);
    static final SyscallTable.Entry MMAP = entry(Sysno.MMAP, Arg.HEX, HEX, SIZE, PROT, MAP_FLAGS, FD, SIZE);
    static final SyscallTable.Entry EXECVE = entry(Sysno.EXECVE, Arg.LONG, PATH, STRV, STRV);

    String print(SyscallTable.Entry e, long r, long... a) {
        long[] args = new long[6];
        System.arraycopy(a, 0, args, 0, a.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Strace.print(out, k.task, e == null ? Sysno.TABLE_SIZE + 1 : e.nr(), e, args, r);
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }

    long string(long addr, String s) {
        k.mem().write(addr, (s + "\0").getBytes(StandardCharsets.ISO_8859_1));
        return addr;
    }

    @Test
    void openatShowsModeOnlyWithCreate() {
        long path = string(buf, "/etc/passwd");
        assertEquals("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3",
                print(OPENAT, 3, -100, path, 02000000, 0));
        assertEquals("openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = -1 EACCES (Permission denied)",
                print(OPENAT, -Errno.EACCES, -100, path, 01101, 0666));
        assertEquals("openat(7, NULL, O_RDONLY) = -1 EFAULT (Bad address)", print(OPENAT, -Errno.EFAULT, 7, 0, 0, 0));
    }

    @Test
    void badPointersPrintAsAddresses() {
        long bad = k.unmapped();
        String hex = "0x" + Long.toHexString(bad);
        assertEquals("openat(AT_FDCWD, " + hex + ", O_RDONLY) = -1 EFAULT (Bad address)",
                print(OPENAT, -Errno.EFAULT, -100, bad, 0, 0));
        assertEquals("write(1, " + hex + ", 10) = -1 EFAULT (Bad address)", print(WRITE, -Errno.EFAULT, 1, bad, 10));
        assertEquals("execve(" + hex + ", " + hex + ", " + hex + ") = -1 EFAULT (Bad address)",
                print(EXECVE, -Errno.EFAULT, bad, bad, bad));
    }

    @Test
    void readShowsWhatWasReadCutAt32() {
        string(buf, "root:x:0:0:root:/root:/bin/bash\nmore");
        assertEquals("read(3, \"root:x:0:0:root:/root:/bin/bash\\n\"..., 4096) = 1024", print(READ, 1024, 3, buf, 4096));
        assertEquals("read(3, \"root\", 4096) = 4", print(READ, 4, 3, buf, 4096));
        assertEquals("read(3, \"\", 4096) = 0", print(READ, 0, 3, buf, 4096));
        assertEquals("read(3, 0x" + Long.toHexString(buf) + ", 4096) = -1 EAGAIN (Resource temporarily unavailable)",
                print(READ, -Errno.EAGAIN, 3, buf, 4096));
        assertEquals("write(1, \"root\", 4) = 4", print(WRITE, 4, 1, buf, 4));
    }

    @Test
    void mmapAsStrace() {
        assertEquals("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000002000",
                print(MMAP, 0x7f0000002000L, 0, 8192, 3, 0x22, -1, 0));
    }

    @Test
    void execveVectors() {
        long ls = string(buf + 256, "ls");
        long l = string(buf + 264, "-l");
        long argv = buf + 512, envp = buf + 600;
        putLongs(argv, ls, l, 0);
        putLongs(envp, ls, l, ls, 0);
        long path = string(buf, "/bin/ls");
        assertEquals("execve(\"/bin/ls\", [\"ls\", \"-l\"], 0x" + Long.toHexString(envp) + " /* 3 vars */) = 0",
                print(EXECVE, 0, path, argv, envp));
        String longArg = "x".repeat(40);
        putLongs(argv, string(buf + 1024, longArg), 0);
        assertEquals("execve(\"/bin/ls\", [\"" + "x".repeat(32) + "\"...], NULL) = 0", print(EXECVE, 0, path, argv, 0));
    }

    @Test
    void exitAndUnknownCalls() {
        k.task.exitGroup(3);
        assertEquals("exit_group(3) = ?" + System.lineSeparator() + "+++ exited with 3 +++",
                print(entry(Sysno.EXIT_GROUP, Arg.LONG, INT), 0, 3));
    }

    @Test
    void callSpecificArguments() {
        assertEquals("prlimit64(0, RLIMIT_NOFILE, NULL, NULL) = 0",
                print(entry(Sysno.PRLIMIT64, Arg.LONG, INT, INT, Arg.PTR, Arg.PTR), 0, 0, 7, 0, 0));
        assertEquals("rt_sigprocmask(SIG_SETMASK, NULL, NULL, 8) = 0",
                print(entry(Sysno.RT_SIGPROCMASK, Arg.LONG, INT, Arg.PTR, Arg.PTR, SIZE), 0, 2, 0, 0, 8));
        assertEquals("umask(077) = 022", print(entry(Sysno.UMASK, Arg.LONG, MODE), 022, 077));
    }

    @Test
    void unknownCallShowsRawArguments() {
        assertEquals("syscall_452(0x1, 0x0, 0x0, 0x0, 0x0, 0x0) = -1 ENOSYS (Function not implemented)",
                print(null, -Errno.ENOSYS, 1));
    }
}
