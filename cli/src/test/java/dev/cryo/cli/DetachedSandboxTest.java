package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detached sandboxes end to end: {@code run -d} starts a real sandbox in a real background JVM,
 * and the other commands find and drive it through the state directory and the control socket.
 * The program is a static C "ticker" (prints "hi", then sleeps with nanosleep: no fork or exec,
 * which the Sentry does not have yet) or busybox.
 */
@Tag("integration")
class DetachedSandboxTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String TICKER_C = """
            #include <signal.h>
            #include <stdio.h>
            #include <time.h>
            static volatile int usr1;
            static void on_usr1(int sig) { usr1 = sig; }
            int main(void) {
                signal(SIGUSR1, on_usr1);
                printf("hi\\n");
                fflush(stdout);
                struct timespec ts = {0, 100000000};
                for (int i = 0; i < 600; i++) { /* 60 s */
                    if (nanosleep(&ts, 0) != 0 && usr1) {
                        printf("sleep interrupted by %d\\n", usr1);
                        return 5;
                    }
                }
                return 7;
            }
            """;

    @TempDir
    static Path tools;
    static Path ticker;

    @TempDir
    Path root;
    Cryo cryo;

    @BeforeAll
    static void buildTicker() throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "/bin/busybox is missing (apt-get install busybox-static)");
        Path src = tools.resolve("ticker.c");
        Files.writeString(src, TICKER_C);
        ticker = tools.resolve("ticker");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-static", "-O1", "-o", ticker.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "gcc is not installed: cannot build the test program");
            return;
        }
        String said = new String(gcc.getInputStream().readAllBytes());
        assumeTrue(gcc.waitFor() == 0, "gcc -static failed (no static libc?): " + said);
    }

    @AfterEach
    void removeAll() {
        cryo = new Cryo(root);
        String ids = cryo.run("ps", "-a", "-q").out().strip();
        if (!ids.isEmpty()) cryo.run(("delete --force " + ids.replace('\n', ' ')).split(" "));
    }

    private String start(String... command) {
        cryo = new Cryo(root);
        String[] args = new String[command.length + 2];
        args[0] = "run";
        args[1] = "-d";
        System.arraycopy(command, 0, args, 2, command.length);
        Cryo.Result r = cryo.run(args);
        assertEquals(0, r.status(), r.toString());
        assertEquals("", r.err());
        return r.out().strip();
    }

    private SandboxState state(String id) throws IOException {
        return SandboxState.read(root.resolve(id));
    }

    /** Waits up to 15 s for {@code cond}; fails naming {@code what}. Shared with StandbyTest. */
    static void eventually(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    /** docker run's -u, -w and -e: the program runs as that user, there, with HOME from passwd. */
    @Test
    void userWorkdirAndEnvironment() throws Exception {
        assumeTrue(Files.readString(Path.of("/etc/passwd")).contains("nobody:x:65534:65534"), "no nobody in /etc/passwd");
        String id = start("-u", "nobody", "-w", "/tmp", "-e", "A=b", "--", "/bin/sh", "-c",
                "id -u; id -g; pwd; echo $A $HOME; cat /etc/shadow >/dev/null 2>&1 || echo denied");
        assertEquals("0", cryo.run("wait", id).out().strip());
        assertEquals("65534\n65534\n/tmp\nb /nonexistent\ndenied\n", cryo.run("logs", id).out());
        Cryo.Result bad = cryo.run("run", "-d", "-u", "no-such-user", "--", "/bin/true");
        assertEquals(125, bad.status(), bad.toString());
        assertTrue(bad.err().contains("no user 'no-such-user'"), bad.err());
    }

    @Test
    void runDetachedThenPsLogsKillWaitDelete() throws Exception {
        String id = start("--", ticker.toString());
        assertTrue(id.matches("[0-9a-f]{12}"), "a generated id is 12 hex digits: " + id);
        assertTrue(Files.isRegularFile(root.resolve(id).resolve("state.json")), "--root holds the state");

        String ps = cryo.run("ps").out();
        assertTrue(ps.startsWith("ID "), ps);
        String row = ps.lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow(() -> new AssertionError(ps));
        String[] cols = row.split(" +");
        assertEquals(state(id).host().pid(), Long.parseLong(cols[1]));
        assertEquals("running", cols[2]);
        assertEquals(ticker.toString(), cols[4]);
        assertTrue(ProcessHandle.of(Long.parseLong(cols[1])).isPresent(), "the PID is the live hosting JVM");

        eventually("the log holds the program's output", () -> cryo.run("logs", id).out().equals("hi\n"));

        Cryo.Result kill = cryo.run("kill", id);
        assertEquals(0, kill.status(), kill.toString());
        Cryo.Result wait = cryo.run("wait", id);
        assertEquals(0, wait.status(), wait.toString());
        assertEquals("143\n", wait.out(), "SIGTERM's default action: 128+15");

        assertFalse(cryo.run("ps").out().contains(id), "ps lists only running and paused sandboxes");
        assertTrue(cryo.run("ps", "--all").out().lines().anyMatch(l -> l.startsWith(id) && l.contains(" stopped ")));
        assertFalse(Files.exists(root.resolve(id).resolve("control.sock")), "the socket goes with the JVM");
        assertEquals("hi\n", cryo.run("logs", id).out(), "the log outlives the sandbox");
        assertEquals(125, cryo.run("kill", id).status(), "a stopped sandbox takes no signal");

        Cryo.Result del = cryo.run("delete", id);
        assertEquals(0, del.status(), del.toString());
        assertFalse(cryo.run("ps", "--all").out().contains(id));
        assertFalse(Files.exists(root.resolve(id)));
        assertEquals("cryo: no such sandbox: " + id + "\n", cryo.run("logs", id).err());
    }

    @Test
    void logsFollowsUntilTheSandboxStops() throws Exception {
        String id = start("--", ticker.toString());
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            new Cryo(root).run("kill", id, "KILL");
        });
        killer.start();
        Cryo.Result r = cryo.run("logs", "--follow", id);
        killer.join();
        assertEquals("hi\n", r.out(), r.toString());
        assertEquals(SandboxState.Status.STOPPED, state(id).status(), "--follow returned only once it stopped");
        assertEquals("137\n", cryo.run("wait", id).out());
    }

    @Test
    void aSigkilledHostingJvmShowsAsStopped() throws Exception {
        String id = start("--id", "victim", "--", BUSYBOX.toString(), "sleep", "30");
        assertEquals("victim", id);
        ProcessHandle jvm = ProcessHandle.of(state(id).host().pid()).orElseThrow();
        jvm.destroyForcibly();
        jvm.onExit().join();
        assertFalse(cryo.run("ps").out().contains("victim"), "never shown as running");
        assertTrue(cryo.run("ps", "-a").out().lines().anyMatch(l -> l.startsWith("victim ") && l.contains(" stopped ")));
        assertEquals(SandboxState.Status.STOPPED, state(id).status(), "the state file is corrected");
        Cryo.Result wait = cryo.run("wait", id);
        assertEquals(125, wait.status(), "the exit status is unknown: " + wait);
    }

    @Test
    void aDuplicateIdIsRefused() {
        start("--id", "twin", "--", BUSYBOX.toString(), "sleep", "30");
        Cryo.Result again = cryo.run("run", "-d", "--id", "twin", "--", BUSYBOX.toString(), "sleep", "30");
        assertEquals(125, again.status(), again.toString());
        assertEquals("cryo: sandbox already exists: twin\n", again.err());
        assertEquals(1, cryo.run("ps", "-q").out().lines().count());
    }

    @Test
    void aProgramThatCannotStartIsReportedAndLeavesNothing() {
        cryo = new Cryo(root);
        Cryo.Result r = cryo.run("run", "-d", "--id", "nope", "--", "/no/such/program");
        assertEquals(127, r.status(), r.toString());
        assertTrue(r.err().startsWith("cryo: /no/such/program: "), r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(root.resolve("nope")));
    }

    @Test
    void aProgramThatExitsAtOnceKeepsItsStatus() {
        String id = start("--", BUSYBOX.toString(), "sh", "-c", "echo bye; exit 3");
        Cryo.Result wait = cryo.run("wait", id);
        assertEquals("3\n", wait.out(), wait.toString());
        assertEquals("bye\n", cryo.run("logs", id).out());
    }

    @Test
    void deleteRefusesARunningSandboxUnlessForced() throws Exception {
        String id = start("--", BUSYBOX.toString(), "sleep", "30");
        HostProcess jvm = state(id).host();
        Cryo.Result r = cryo.run("delete", id);
        assertEquals(125, r.status());
        assertEquals("cryo: sandbox " + id + " is running: stop it first, or use --force\n", r.err());
        assertTrue(jvm.alive());
        r = cryo.run("delete", "--force", id);
        assertEquals(0, r.status(), r.toString());
        // (a zombie until this JVM, its parent here, reaps it: not alive for cryo)
        assertFalse(jvm.alive(), "the hosting JVM is gone");
        assertFalse(Files.exists(root.resolve(id)));
    }

    @Test
    void pauseAndResume() throws Exception {
        String id = start("--", ticker.toString());
        Cryo.Result r = cryo.run("pause", id);
        assertEquals(0, r.status(), r.toString());
        assertTrue(cryo.run("ps").out().lines().anyMatch(l -> l.startsWith(id) && l.contains(" paused ")));
        assertEquals(125, cryo.run("pause", id).status(), "already paused");
        r = cryo.run("resume", id);
        assertEquals(0, r.status(), r.toString());
        assertTrue(cryo.run("ps").out().lines().anyMatch(l -> l.startsWith(id) && l.contains(" running ")));
    }

    /**
     * A signal sent to a paused sandbox waits for the resume, and then interrupts the sleep the
     * pause found the program in: EINTR, as if the pause had never been.
     */
    @Test
    void aSignalSentWhilePausedArrivesOnResume() throws Exception {
        String id = start("--", ticker.toString());
        eventually("the program runs", () -> cryo.run("logs", id).out().equals("hi\n"));
        assertEquals(0, cryo.run("pause", id).status());
        Cryo.Result k = cryo.run("kill", id, "USR1");
        assertEquals(0, k.status(), k.toString());
        Thread.sleep(200);
        assertEquals("hi\n", cryo.run("logs", id).out(), "nothing runs while paused");
        assertEquals(0, cryo.run("resume", id).status());
        Cryo.Result wait = cryo.run("wait", id);
        assertEquals("5\n", wait.out(), wait.toString());
        assertEquals("hi\nsleep interrupted by 10\n", cryo.run("logs", id).out());
    }

    @Test
    void checkpointStopsThenRestoreDetachedTakesItsPlace() throws Exception {
        String id = start("--id", "cp", "--", ticker.toString());
        eventually("the ticker printed", () -> cryo.run("logs", id).out().equals("hi\n"));
        Path image = root.resolve("image");
        Cryo.Result r = cryo.run("checkpoint", id, "--image", image.toString());
        assertEquals(0, r.status(), r.toString());
        assertEquals(SandboxState.Status.CHECKPOINTED, state(id).status());
        assertTrue(cryo.run("ps", "-a").out().contains(" checkpointed "));
        assertEquals(125, cryo.run("wait", id).status(), "a checkpointed sandbox has no exit status");

        r = cryo.run("restore", "--image", image.toString(), "-d", "--id", "cp");
        assertEquals(0, r.status(), r.toString());
        assertEquals("cp\n", r.out());
        assertEquals(SandboxState.Status.RUNNING, state(id).status());
        assertEquals(0, cryo.run("kill", id, "KILL").status());
        assertEquals("137\n", cryo.run("wait", id).out());
    }

    @Test
    void checkpointLeaveRunningThenRestoreInTheForeground() throws Exception {
        String id = start("--", BUSYBOX.toString(), "sleep", "1");
        Path image = root.resolve("image");
        Cryo.Result r = cryo.run("checkpoint", id, "--image", image.toString(), "--leave-running");
        assertEquals(0, r.status(), r.toString());
        assertEquals(SandboxState.Status.RUNNING, state(id).status());
        assertEquals("0\n", cryo.run("wait", id).out());
        r = cryo.run("restore", "--image", image.toString());
        assertEquals(0, r.status(), "the restored sleep finishes: " + r);
    }
}
