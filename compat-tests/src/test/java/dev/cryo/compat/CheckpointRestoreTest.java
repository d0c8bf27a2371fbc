package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #3: a running program checkpointed and restored in a new process continues exactly
 * where it was, twenty times in a row, each restored copy checkpointed again.
 */
class CheckpointRestoreTest {
    private static final int LAST = 900;

    /** Runs the driver in a new JVM; its stdout (the program's) is appended to {@code out}. */
    private static int driver(Path out, String... args) throws Exception {
        return driver(out, new File("/dev/null"), args);
    }

    /** As {@link #driver(Path, String...)}, with stdin from {@code input}, or an idle pipe if null. */
    private static int driver(Path out, File input, String... args) throws Exception {
        List<String> cmd = ChildJvm.command(CheckpointDriver.class.getName());
        cmd.addAll(List.of(args));
        Path err = out.resolveSibling(out.getFileName() + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (input != null) pb.redirectInput(input);
        Process p = pb
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("driver " + String.join(" ", args) + " timed out; stderr: " + Files.readString(err));
        }
        int status = p.exitValue();
        if (status != 0) {
            System.err.println(Files.readString(err));
        }
        return status;
    }

    @Test
    void counterContinuesFromTheSavedValueTwentyTimes() throws Exception {
        int lines = countsThroughTwentyRestores("ckpt", 3, LAST, CompatEnv.compiled("counter"), Integer.toString(LAST));
        assertTrue(lines > 300, "ran through the checkpoints");
    }

    /**
     * Issue #3 with processes: a busybox {@code sh} loop that prints a counter and runs
     * {@code sleep 0.01} each step (a fork, an exec and a wait every time), checkpointed after a
     * few hundred steps and then twenty times more, each restore checkpointed again, continues
     * from the saved value every time: never from zero, never a repeated or skipped value.
     */
    @Test
    void aShellLoopThatForksContinuesFromTheSavedValueTwentyTimes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs /bin/busybox");
        int last = 1000; // > the most steps 3 s and 20 short stretches can take at 10 ms a step
        countsThroughTwentyRestores("ckpt-sh", 5, last, "/bin/busybox", "sh", "-c",
                "i=0; while [ $i -le " + last + " ]; do echo $i; i=$((i+1)); sleep 0.01; done");
    }

    /**
     * Runs {@code program}, which prints 0 to {@code last}, one a line: checkpointed after 3 s,
     * then restored and checkpointed again twenty times after 80-230 ms each, then restored to
     * its end. Every line must follow the last. Returns the number of lines.
     */
    private static int countsThroughTwentyRestores(String tag, long seed, int last, String... program) throws Exception {
        Path dir = Files.createTempDirectory(CompatEnv.work(), tag);
        Path out = dir.resolve("out");
        Files.createFile(out);
        Random rnd = new Random(seed);
        List<String> run = new ArrayList<>(List.of("run", "3000", dir.resolve("img0").toString(), "--"));
        run.addAll(List.of(program));
        assertEquals(0, driver(out, run.toArray(String[]::new)));
        int rounds = 20;
        for (int i = 0; i < rounds; i++) {
            String next = dir.resolve("img" + (i + 1)).toString();
            assertEquals(0, driver(out, "restore", dir.resolve("img" + i).toString(), Long.toString(80 + rnd.nextInt(150)), next),
                    "restore " + i);
        }
        assertEquals(0, driver(out, "restore", dir.resolve("img" + rounds).toString(), "-1"));
        List<String> lines = Files.readAllLines(out);
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(Integer.toString(i), lines.get(i), "line " + i + " (never from zero, never repeated or skipped)");
        }
        assertEquals(last + 1, lines.size());
        return lines.size();
    }

    /** 200 MiB of data and FP/SIMD state in flight, checkpointed at 5 random moments. */
    @Test
    void memoryAndVectorStateSurviveCheckpoints() throws Exception {
        String prog = CompatEnv.compiled("hashchain");
        Path dir = Files.createTempDirectory(CompatEnv.work(), "hash");
        Path expected = dir.resolve("native");
        Process p = new ProcessBuilder(prog, "200", "80").redirectOutput(expected.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        Path out = dir.resolve("out");
        Files.createFile(out);
        Random rnd = new Random(5);
        assertEquals(0, driver(out, "run", Integer.toString(300 + rnd.nextInt(700)), dir.resolve("img0").toString(),
                "--", prog, "200", "80"));
        for (int i = 0; i < 4; i++) {
            assertEquals(0, driver(out, "restore", dir.resolve("img" + i).toString(),
                    Integer.toString(200 + rnd.nextInt(300)), dir.resolve("img" + (i + 1)).toString()), "restore " + i);
        }
        assertEquals(0, driver(out, "restore", dir.resolve("img4").toString(), "-1"));
        assertEquals(Files.readString(expected), Files.readString(out));
        for (int i = 0; i <= 4; i++) deleteImage(dir.resolve("img" + i));
    }

    /** cwd, umask, rlimits, signal dispositions and mask, environment and a file offset survive, mid-sleep. */
    @Test
    void processStateSurvivesACheckpointInASleep() throws Exception {
        String prog = CompatEnv.compiled("survive");
        Path dir = Files.createTempDirectory(CompatEnv.work(), "survive");
        Path expected = dir.resolve("native");
        ProcessBuilder pb = new ProcessBuilder(prog, "100").redirectOutput(expected.toFile());
        pb.environment().clear();
        for (String kv : Runner.BASE_ENV) pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Path out = dir.resolve("out");
        Files.createFile(out);
        assertEquals(0, driver(out, "run", "400", dir.resolve("img").toString(), "--", prog, "100"));
        assertEquals(0, driver(out, "restore", dir.resolve("img").toString(), "-1"));
        assertEquals(Files.readString(expected), Files.readString(out));
    }

    /**
     * Signal state, checkpointed mid-wait (issue #5): pending and queued signals, handlers, the
     * alternate stack, a ticking itimer and a POSIX timer armed before the save that fires after
     * the restore.
     */
    @Test
    void signalStateAndArmedTimersSurviveACheckpoint() throws Exception {
        String prog = CompatEnv.compiled("sig_survive");
        Path dir = Files.createTempDirectory(CompatEnv.work(), "sigsurvive");
        Path expected = dir.resolve("native");
        Process p = new ProcessBuilder(prog, "100").redirectOutput(expected.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(Files.readString(expected).contains("POSIX timer fired with value 4321"));
        Path out = dir.resolve("out");
        Files.createFile(out);
        assertEquals(0, driver(out, "run", "400", dir.resolve("img").toString(), "--", prog, "100"));
        assertEquals("set up\n", Files.readString(out), "saved in the middle of the wait");
        assertEquals(0, driver(out, "restore", dir.resolve("img").toString(), "-1"));
        assertEquals(Files.readString(expected), Files.readString(out));
        deleteImage(dir.resolve("img"));
    }

    /** A stopped process is checkpointed stopped; restored, it stays so until its timer's SIGCONT. */
    @Test
    void aStoppedProcessIsSavedStoppedAndContinuedAfterTheRestore() throws Exception {
        String prog = CompatEnv.compiled("sig_death");
        Path dir = Files.createTempDirectory(CompatEnv.work(), "stopped");
        Path expected = dir.resolve("native");
        Process p = new ProcessBuilder(prog, "stop-cont-slow").redirectOutput(expected.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue());
        Path out = dir.resolve("out");
        Files.createFile(out);
        assertEquals(0, driver(out, "run", "400", dir.resolve("img").toString(), "--", prog, "stop-cont-slow"));
        assertEquals("mode stop-cont-slow\nstopping\n", Files.readString(out), "saved while stopped");
        assertEquals(3, driver(out, "restore", dir.resolve("img").toString(), "-1"));
        assertEquals(Files.readString(expected), Files.readString(out));
        deleteImage(dir.resolve("img"));
    }

    /** --leave-running: the original goes on, and the restored copy continues from the saved value. */
    @Test
    void leaveRunningGivesTwoIndependentCopies() throws Exception {
        String counter = CompatEnv.compiled("counter");
        Path dir = Files.createTempDirectory(CompatEnv.work(), "leave");
        Path original = dir.resolve("original");
        Files.createFile(original);
        assertEquals(0, driver(original, "run-leave", "500", dir.resolve("img").toString(), "--", counter, "100"));
        List<String> all = Files.readAllLines(original);
        assertEquals(101, all.size(), "the original ran to its end");
        for (int i = 0; i <= 100; i++) assertEquals(Integer.toString(i), all.get(i));
        Path copy = dir.resolve("copy");
        Files.createFile(copy);
        assertEquals(0, driver(copy, "restore", dir.resolve("img").toString(), "-1"));
        List<String> rest = Files.readAllLines(copy);
        assertTrue(rest.size() > 10 && rest.size() < 101, "the copy continued from the middle: " + rest.size());
        int first = Integer.parseInt(rest.get(0));
        for (int i = 0; i < rest.size(); i++) assertEquals(Integer.toString(first + i), rest.get(i));
        assertEquals("100", rest.get(rest.size() - 1));
    }

    /** A program blocked reading stdin is checkpointed waiting and reads the restorer's stdin. */
    @Test
    void aReadOnStdinWaitsAcrossACheckpoint() throws Exception {
        String prog = CompatEnv.compiled("readline");
        Path dir = Files.createTempDirectory(CompatEnv.work(), "stdin");
        Path out = dir.resolve("out");
        Files.createFile(out);
        assertEquals(0, driver(out, (File) null, "run", "500", dir.resolve("img").toString(), "--", prog));
        Path input = dir.resolve("input");
        Files.writeString(input, "hello\n");
        assertEquals(0, driver(out, input.toFile(), "restore", dir.resolve("img").toString(), "-1"));
        assertEquals("waiting\ngot: hello\n", Files.readString(out));
    }

    private static void deleteImage(Path img) throws Exception {
        try (var files = Files.list(img)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
        }
        Files.delete(img);
    }
}
