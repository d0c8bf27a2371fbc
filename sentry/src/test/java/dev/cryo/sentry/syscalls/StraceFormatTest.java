package dev.cryo.sentry.syscalls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.sentry.abi.Errno;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StraceFormatTest {
    static String q(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return StraceFormat.quote(b, b.length, false);
    }

    @Test
    void quotingAsStrace() {
        assertEquals("\"root:x:0:0\\n\"", q("root:x:0:0\n"));
        assertEquals("\"a\\\"b\\\\c\\t\\r\\v\\f\"", q("a\"b\\c\t\r\u000b\f"));
        // Octal: shortest form unless an octal digit follows.
        assertEquals("\"\\177ELF\\2\\1\\1\\0\"", q("\u007fELF\u0002\u0001\u0001\u0000"));
        assertEquals("\"\\0001\"", q("\u00001"));
        assertEquals("\"\\08\"", q("\u00008")); // 8 is no octal digit
        assertEquals("\"\\3779\"", q("\u00ff9"));
        assertEquals("\"\\303\\251\"", q("\u00c3\u00a9"));
        assertEquals("\"ab\"...", StraceFormat.quote("abc".getBytes(StandardCharsets.US_ASCII), 2, true));
        assertEquals("\"\\x00\\xff\"", StraceFormat.quoteHex(new byte[] {0, -1}, 2, false));
    }

    @Test
    void openFlags() {
        assertEquals("O_RDONLY|O_CLOEXEC", StraceFormat.openFlags(02000000));
        assertEquals("O_WRONLY|O_CREAT|O_TRUNC", StraceFormat.openFlags(01 | 0100 | 01000));
        assertEquals("O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY", StraceFormat.openFlags(04000 | 02000000 | 0200000));
        assertEquals("O_RDWR|O_EXCL|O_TMPFILE", StraceFormat.openFlags(02 | 0200 | 020200000));
        assertEquals("O_RDWR|O_SYNC", StraceFormat.openFlags(02 | 04010000));
        assertEquals("O_RDONLY|0x40000000", StraceFormat.openFlags(0x40000000));
    }

    @Test
    void mmapArguments() {
        assertEquals("PROT_READ|PROT_WRITE", StraceFormat.prot(3));
        assertEquals("PROT_NONE", StraceFormat.prot(0));
        assertEquals("MAP_PRIVATE|MAP_ANONYMOUS", StraceFormat.mapFlags(0x22));
        assertEquals("MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE", StraceFormat.mapFlags(0x812));
        assertEquals("MAP_SHARED", StraceFormat.mapFlags(1));
    }

    @Test
    void constants() {
        assertEquals("0644", StraceFormat.mode(0644));
        assertEquals("000", StraceFormat.mode(0));
        assertEquals("007", StraceFormat.mode(7));
        assertEquals("04755", StraceFormat.mode(04755));
        assertEquals("AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH", StraceFormat.atFlags(0x1100));
        assertEquals("0", StraceFormat.atFlags(0));
        assertEquals("F_OK", StraceFormat.accessMode(0));
        assertEquals("R_OK|X_OK", StraceFormat.accessMode(5));
        assertEquals("SEEK_END", StraceFormat.whence(2));
        assertEquals("CLOCK_MONOTONIC", StraceFormat.clock(1));
        assertEquals("MAKE_PROCESS_CPUCLOCK(0, CPUCLOCK_SCHED)", StraceFormat.clock(-6));
        assertEquals("MAKE_THREAD_CPUCLOCK(42, CPUCLOCK_PROF)", StraceFormat.clock(~42 << 3 | 4));
        assertEquals("SIGSEGV", StraceFormat.signal(11));
        assertEquals("SIGRTMIN+2", StraceFormat.signal(34));
        assertEquals("0", StraceFormat.signal(0));
        assertEquals("TCGETS", StraceFormat.ioctl(0x5401));
        assertEquals("TIOCGPTN", StraceFormat.ioctl(0x80045430L));
        assertEquals("0x1234", StraceFormat.ioctl(0x1234));
    }

    @Test
    void results() {
        assertEquals("3", StraceFormat.result(3, Arg.LONG));
        assertEquals("0x7f0000001000", StraceFormat.result(0x7f0000001000L, Arg.HEX));
        assertEquals("-1 ENOENT (No such file or directory)", StraceFormat.result(-Errno.ENOENT, Arg.LONG));
        assertEquals("-1 ENOMEM (Cannot allocate memory)", StraceFormat.result(-Errno.ENOMEM, Arg.HEX));
        assertEquals("? ERESTARTSYS (To be restarted if SA_RESTART is set)", StraceFormat.result(-512, Arg.LONG));
        assertEquals("-4096", StraceFormat.result(-4096, Arg.LONG));
    }
}
