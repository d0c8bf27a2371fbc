package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The control commands' parsing and errors, without starting a sandbox. */
class CommandLineTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"logs nope", "wait nope", "kill nope", "pause nope", "resume nope", "delete nope",
        "checkpoint nope --image /tmp/x"})
    void anUnknownSandboxIsOneClearLine(String command) {
        Cryo.Result r = new Cryo(root).run(command.split(" "));
        assertEquals(125, r.status(), r.toString());
        assertEquals("cryo: no such sandbox: nope\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void psOfAnEmptyOrMissingRootIsAHeader() {
        Cryo.Result r = new Cryo(root.resolve("not-yet")).run("ps", "--all");
        assertEquals(0, r.status(), r.toString());
        assertEquals("ID   PID   STATUS   CREATED   COMMAND\n", r.out());
        assertEquals("[]\n", new Cryo(root).run("ps", "--format", "json").out());
        assertEquals(125, new Cryo(root).run("ps", "--format", "yaml").status());
    }

    /** A SNAPSHOT with a '/' is a directory image's path: no store is opened for it. */
    @Test
    void aPathToRestoreIsADirectoryImage() {
        Cryo.Result r = new Cryo(root).run("restore", root.resolve("no-such-image").toString());
        assertEquals(125, r.status(), r.toString());
        assertTrue(r.err().contains("no image at " + root.resolve("no-such-image")), r.err());
    }

    @Test
    void badIdsAreRefused() {
        Cryo.Result r = new Cryo(root).run("run", "-d", "--id", "../x", "--", "/bin/true");
        assertEquals(125, r.status(), r.toString());
        assertTrue(r.err().startsWith("cryo: invalid sandbox id '../x'"), r.err());
        assertEquals(125, new Cryo(root).run("run", "--id", "x", "--", "/bin/true").status(), "--id without -d");
        assertEquals(125, new Cryo(root).run("logs", "..").status());
    }

    @Test
    void signalsByNameOrNumber() {
        assertEquals(15, KillCommand.parse("SIGTERM"));
        assertEquals(15, KillCommand.parse("TERM"));
        assertEquals(9, KillCommand.parse("kill"));
        assertEquals(9, KillCommand.parse("9"));
        assertEquals(34, KillCommand.parse("SIGRTMIN+2"));
        assertEquals(64, KillCommand.parse("64"));
        for (String bad : List.of("0", "65", "-1", "SIGFOO", "")) {
            assertThrows(CryoException.class, () -> KillCommand.parse(bad), bad);
        }
    }

    @Test
    void tableColumnsAlign() {
        StringWriter sw = new StringWriter();
        PsCommand.printTable(new PrintWriter(sw, true), List.of(new String[] {"ID", "PID", "COMMAND"},
                new String[] {"abcdef", "1", "sh -c 'x y'"}));
        assertEquals("ID       PID   COMMAND\nabcdef   1     sh -c 'x y'\n", sw.toString());
        assertEquals("sh -c 'echo '\\''hi'\\'''", PsCommand.shellJoin(List.of("sh", "-c", "echo 'hi'")));
    }

    @Test
    void defaultRootFollowsRunc() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid == 0) assertEquals(Path.of("/run/cryo"), StateDir.defaultRoot());
        else if (System.getenv("XDG_RUNTIME_DIR") != null) {
            assertEquals(Path.of(System.getenv("XDG_RUNTIME_DIR"), "cryo"), StateDir.defaultRoot());
        }
        assertEquals(root.resolve("x"), StateDir.of(root.resolve("x").toString()).root());
    }

    @Test
    void aSandboxWhoseJvmDiedIsCorrectedToStopped() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        long start = HostProcess.startTime(p.pid());
        assertTrue(start >= 0 && new HostProcess(p.pid(), start).alive());
        p.destroyForcibly().waitFor();
        StateDir states = new StateDir(root);
        Path dir = states.create("ghost");
        new SandboxState("ghost", new HostProcess(p.pid(), start), SandboxState.Status.RUNNING, SandboxState.now(),
                List.of("/bin/true"), null, null, null).write(dir);
        Files.createFile(dir.resolve(StateDir.SOCKET));
        Cryo.Result r = new Cryo(root).run("ps");
        assertEquals("ID   PID   STATUS   CREATED   COMMAND\n", r.out(), "never shown as running");
        SandboxState s = SandboxState.read(dir);
        assertEquals(SandboxState.Status.STOPPED, s.status(), "the file is corrected");
        assertTrue(Files.notExists(dir.resolve(StateDir.SOCKET)));
        assertTrue(new Cryo(root).run("ps", "-a").out().contains("ghost   0     stopped"));
    }
}
