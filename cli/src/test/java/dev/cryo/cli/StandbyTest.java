package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm pool end to end: {@code standby -n} starts real hosting JVMs, {@code restore -d} and
 * {@code run -d} hand their sandboxes to them (the sandbox's host is the standby's process), a
 * dead standby's leftovers are cleared and the start falls back to a new JVM, {@code -n 0}
 * stops them all.
 */
@Tag("integration")
class StandbyTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path root;
    Cryo cryo;

    @BeforeEach
    void setUp() {
        cryo = new Cryo(root);
        assumeTrue(Files.isExecutable(BUSYBOX), "/bin/busybox is missing (apt-get install busybox-static)");
    }

    @AfterEach
    void stopAll() {
        cryo.run("standby", "-n", "0");
        String ids = cryo.run("ps", "-a", "-q").out().strip();
        if (!ids.isEmpty()) cryo.run(("delete --force " + ids.replace('\n', ' ')).split(" "));
    }

    private Path pool() {
        return root.resolve(Standby.POOL);
    }

    /** The pids of the ready standbys. */
    private List<Long> readyPids() throws IOException {
        try (Stream<Path> s = Files.list(pool())) {
            return s.filter(p -> p.toString().endsWith(".ready")).map(p -> {
                try {
                    return Long.parseLong(Files.readString(p).strip().split(" ")[0]);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private long hostPid(String id) throws IOException {
        return SandboxState.read(root.resolve(id)).host().pid();
    }

    private static void awaitExit(long pid) throws InterruptedException {
        DetachedSandboxTest.eventually("process " + pid + " exited", () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    private void assertPoolEmpty(String why) throws IOException {
        try (Stream<Path> s = Files.list(pool())) {
            assertEquals(List.of(), s.toList(), why);
        }
    }

    @Test
    void restoreAndRunTakeAStandbyEach() throws Exception {
        Cryo.Result r = cryo.run("run", "-d", "--id", "s", "--", BUSYBOX.toString(), "sleep", "60");
        assertEquals(0, r.status(), r.toString());
        Path image = root.resolve("image");
        assertEquals(0, cryo.run("checkpoint", "s", "--image", image.toString()).status());

        r = cryo.run("standby", "-n", "2");
        assertEquals("2\n", r.out(), r.toString());
        assertEquals(0, r.status());
        List<Long> pids = readyPids();
        assertEquals(2, pids.size());

        r = cryo.run("restore", "--image", image.toString(), "-d", "--id", "s");
        assertEquals("s\n", r.out(), r.toString());
        assertTrue(pids.contains(hostPid("s")), "hosted by a standby: " + hostPid("s") + " not in " + pids);
        assertEquals("1\n", cryo.run("standby").out());
        assertEquals(0, cryo.run("kill", "s", "KILL").status());
        assertEquals("137\n", cryo.run("wait", "s").out());

        r = cryo.run("run", "-d", "--id", "e", "-e", "X=from the client", "--", BUSYBOX.toString(), "sh", "-c", "echo $X");
        assertEquals(0, r.status(), r.toString());
        assertTrue(pids.contains(hostPid("e")));
        assertEquals("0\n", cryo.run("wait", "e").out());
        assertEquals("from the client\n", cryo.run("logs", "e").out());
        assertEquals("0\n", cryo.run("standby").out());
        assertPoolEmpty("standbys that took a sandbox leave nothing in the pool");
    }

    @Test
    void aKilledStandbyIsSkippedAndTheStartFallsBackToANewJvm() throws Exception {
        assertEquals("1\n", cryo.run("standby", "-n", "1").out());
        long pid = readyPids().get(0);
        dev.cryo.platform.host.Host.kill((int) pid, 9);
        awaitExit(pid);
        Cryo.Result r = cryo.run("run", "-d", "--id", "f", "--", BUSYBOX.toString(), "true");
        assertEquals(0, r.status(), r.toString());
        assertTrue(hostPid("f") != pid);
        assertEquals("0\n", cryo.run("wait", "f").out());
        assertEquals("0\n", cryo.run("standby").out());
        assertPoolEmpty("what the dead standby left is cleared");
    }

    @Test
    void aFailedStartThroughAStandbyIsReportedAndLeavesNothing() throws Exception {
        assertEquals("1\n", cryo.run("standby", "-n", "1").out());
        long pid = readyPids().get(0);
        Path notAnImage = Files.createDirectory(root.resolve("empty"));
        Cryo.Result r = cryo.run("restore", "--image", notAnImage.toString(), "-d", "--id", "bad");
        assertEquals(125, r.status(), r.toString());
        assertTrue(r.err().startsWith("cryo: restore: "), r.err());
        assertFalse(Files.exists(root.resolve("bad")), "a start that failed leaves no sandbox");
        awaitExit(pid); // the standby that took it
        assertEquals("0\n", cryo.run("standby").out());
    }

    @Test
    void shrinkingThePoolStopsStandbys() throws Exception {
        assertEquals("2\n", cryo.run("standby", "-n", "2").out());
        List<Long> pids = readyPids();
        assertEquals("1\n", cryo.run("standby", "-n", "1").out());
        assertEquals("0\n", cryo.run("standby", "-n", "0").out());
        for (long pid : pids) awaitExit(pid);
        assertPoolEmpty("stopped standbys leave nothing");
        Cryo.Result r = cryo.run("standby", "-n", "-1");
        assertEquals(125, r.status(), r.toString());
    }
}
