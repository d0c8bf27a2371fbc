package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.compat.Differential.Pair;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue #2: busybox applets give byte-identical output natively and under cryo. Nothing is
 * normalised: both runs read the same host files at the same moment.
 */
class BusyboxTest {
    private static Pair same(String name, String... args) {
        return same(Program.of(name, args));
    }

    private static Pair same(Program p) {
        return Differential.same(p, STDOUT_AND_STDERR, NONE);
    }

    private static String[] bb(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = CompatEnv.busybox();
        System.arraycopy(args, 0, argv, 1, args.length);
        return argv;
    }

    @Test
    void echoHello() {
        Pair p = same("bb-echo", bb("echo", "hello"));
        assertEquals("hello\n", p.cryoRun().stdoutText());
        assertEquals(0, p.cryoRun().status());
    }

    @Test
    void shExitStatus() {
        Pair p = same("bb-sh-exit7", bb("sh", "-c", "exit 7"));
        assertEquals(7, p.cryoRun().status());
    }

    @Test
    void catOsRelease() {
        Pair p = same("bb-cat-os-release", bb("cat", "/etc/os-release"));
        assertEquals(0, p.nativeRun().status());
    }

    @Test
    void lsLaUsrBin() {
        same("bb-ls-la-usr-bin", bb("ls", "-la", "/usr/bin"));
    }

    @Test
    void sha256sumOf64MiB() {
        String big = Fixtures.bigFile().toString();
        same("bb-sha256sum", bb("sha256sum", big));
    }

    @Test
    void md5sumOf64MiB() {
        String big = Fixtures.bigFile().toString();
        same("bb-md5sum", bb("md5sum", big));
    }

    @Test
    void wcOfLines() {
        same("bb-wc", bb("wc", Fixtures.linesFile().toString()));
    }

    @Test
    void headOfLines() {
        same("bb-head", bb("head", "-n", "1000", Fixtures.linesFile().toString()));
    }

    @Test
    void sortOfLines() {
        same("bb-sort", bb("sort", Fixtures.linesFile().toString()));
    }

    @Test
    void sortNumericReverseUnique() {
        same("bb-sort-nru", bb("sort", "-k2,2n", "-r", "-u", Fixtures.linesFile().toString()));
    }

    @Test
    void seq200000() {
        same("bb-seq", bb("seq", "1", "200000"));
    }

    @Test
    void findCopyrights() {
        same(Program.of("bb-find-copyright", bb("find", "/usr/share/doc", "-name", "copyright"))
                .withTimeout(Duration.ofSeconds(90)));
    }

    @Test
    void grepRecursiveInGeneratedTree() {
        same(Program.of("bb-grep-r-tree", bb("grep", "-r", "-n", "GPL", ".")).in(Fixtures.tree()));
    }

    @Test
    void grepRecursiveInBusyboxDocs() {
        same("bb-grep-r-doc", bb("grep", "-r", "-n", "GPL", "/usr/share/doc/busybox-static"));
    }
}
