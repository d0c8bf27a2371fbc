package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.compat.Differential.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * Issue #5 (processes): fork, wait, zombies, orphans, process groups, exec of programs and
 * scripts, pipes and descriptors, and real shells running pipelines, each the same natively and
 * under cryo, and again after a checkpoint and restore in the middle (the three variants of
 * {@link Differential}).
 */
class ProcessesTest {
    private static Pair same(Program p) {
        return Differential.same(p, STDOUT_AND_STDERR, NONE);
    }

    @Test
    void processTree() {
        Pair p = same(Program.of("proc-tree", CompatEnv.compiled("proc_tree"), CompatEnv.busybox()));
        assertTrue(p.nativeRun().stdoutText().endsWith("done\n"));
    }

    @Test
    void pipesAndDescriptors() {
        Pair p = same(Program.of("proc-pipe", CompatEnv.compiled("proc_pipe"), CompatEnv.busybox()));
        assertTrue(p.nativeRun().stdoutText().contains("received 16777216 bytes, 0 wrong"));
        assertTrue(p.nativeRun().stdoutText().endsWith("done\n"));
    }

    @Test
    void execOfProgramsAndScripts() {
        Path dir = scripts();
        Pair p = same(Program.of("proc-exec", CompatEnv.compiled("proc_exec"), dir.toString(), CompatEnv.busybox())
                .in(dir.resolve("bin")));
        assertTrue(p.nativeRun().stdoutText().contains("script: ran, exit 3"));
        assertTrue(p.nativeRun().stdoutText().contains("still here, x=42"));
    }

    @Test
    void treeWithZombieAndDataInAPipe() {
        Pair p = same(Program.of("proc-ckpt", CompatEnv.compiled("proc_ckpt")));
        assertTrue(p.nativeRun().stdoutText().contains("pipe held 28890 bytes, 3000 lines"));
    }

    /**
     * A child stopped, reported, continued and killed: checkpointed at each of those moments
     * (the stop, its report still pending, the continue, the second stop), the restored parent's
     * waits see exactly what they would have.
     */
    @Test
    void aStoppedChildAcrossARestore() {
        // The parent's kill and wait4 calls are calls 16 to 27 of the 27 or 28 the run makes (with the child's).
        Differential.sameAfterCheckpointsAt(Program.of("jobctl-ckpt", CompatEnv.compiled("jobctl"), "wait_for_stop_and_continue"),
                17, 19, 21, 23, 25);
    }

    /** busybox sh: pipelines, subshells, command substitution, redirections, here-documents, exec. */
    @Test
    void busyboxShell() {
        String script = String.join("\n",
                "echo hello | cat",
                "x=$(echo sub | tr a-z A-Z); echo \"got $x\"",
                "(echo in a subshell; exit 3); echo \"status $?\"",
                "seq 1 20000 | grep 7 | sort -r | head -n 3",
                "seq 1 100000 | wc -l",
                "echo to stderr >&2",
                "{ echo one; echo two; } | while read l; do echo \"[$l]\"; done",
                "cat <<EOF",
                "here doc $x",
                "EOF",
                "ls /nonexistent 2>&1 | head -n 1",
                "false | true; echo \"pipeline status $?\"",
                "true | false; echo \"pipeline status $?\"",
                "v=$( (exit 4) ); echo \"subst status $?\"",
                "echo abc > /dev/null && echo redirected",
                "exec echo exec replaces the shell",
                "echo never");
        Pair p = same(Program.of("proc-bb-sh", CompatEnv.busybox(), "sh", "-c", script));
        assertTrue(p.nativeRun().stdoutText().contains("pipeline status 1"));
        assertEquals(0, p.cryoRun().status());
    }

    @Test
    void busyboxShellExitStatusOfAPipeline() {
        Pair p = same(Program.of("proc-bb-sh-status", CompatEnv.busybox(), "sh", "-c", "seq 1 10 | (read a; exit $a)"));
        assertEquals(1, p.cryoRun().status());
    }

    /** The host's own /bin/sh (dash, dynamically linked). */
    @Test
    void hostShell() {
        String script = "echo dash $(echo sub | tr a-z A-Z); for i in 1 2 3; do echo $i; done | wc -l; "
                + "(cd /usr && pwd); printf '%s\\n' b a c | sort; exit 5";
        Pair p = same(Program.of("proc-dash", "/bin/sh", "-c", script));
        assertEquals(5, p.nativeRun().status());
    }

    /** The host's dynamic coreutils in pipelines, under dash: sort | uniq -c, tr, tar | wc, find | xargs. */
    @Test
    void hostCoreutilsPipelines() {
        String script = "ls -la /usr/share/doc/bash | sort | uniq -c | wc -l; printf 'b\\na\\nb\\n' | sort | uniq -c; "
                + "echo hello | tr a-z A-Z; tar cf - /usr/share/doc/bash 2>/dev/null | wc -c; "
                + "find /usr/share/doc -maxdepth 1 -name 'lib*' | sort | xargs echo | wc -w";
        Pair p = same(Program.of("proc-coreutils", "/bin/sh", "-c", script));
        assertTrue(p.nativeRun().stdoutText().contains("HELLO"));
    }

    /** `&` and `wait`: busybox's wait sleeps in rt_sigsuspend until SIGCHLD. */
    @Test
    void backgroundJobsAndWait() {
        same(Program.of("proc-bb-bg", CompatEnv.busybox(), "sh", "-c",
                "(sleep 0.1; echo late) & echo early; wait; echo waited $?"));
    }

    /**
     * Saved 300 ms in, while the parent sleeps: one child is a zombie whose 28 KiB wait in a
     * pipe, another is blocked reading. Restored in a new process, the tree finishes as it
     * would have.
     */
    @Test
    void checkpointOfATreeWithAZombieAndBytesInFlight() throws Exception {
        String expected = "started\npipe held 28890 bytes, 3000 lines\nwriter reaped: 1\n  exit 17\n"
                + "reader got 1 byte 'g'\nreader reaped: 1\n  exit 18\n";
        checkpointedMidway("proc-ckpt-mid", expected, CompatEnv.compiled("proc_ckpt"));
    }

    /** A shell pipeline saved while its data sits in the pipe (the reader sleeps first). */
    @Test
    void checkpointOfAShellPipelineWithDataInThePipe() throws Exception {
        checkpointedMidway("proc-pipeline-mid", "5000 23893\n", CompatEnv.busybox(), "sh", "-c",
                "seq 1 5000 | (sleep 0.6; wc -l | tr '\\n' ' '; cat /dev/null; exit 0) ; seq 1 5000 | wc -c");
    }

    /** A shell loop that runs `sleep` each step, saved midway: the counter continues from the saved value. */
    @Test
    void checkpointOfAShellLoopRunningSleep() throws Exception {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) expected.append(i).append('\n');
        checkpointedMidway("proc-sh-loop-mid", expected.toString(), CompatEnv.busybox(), "sh", "-c",
                "i=0; while [ $i -lt 40 ]; do echo $i; sleep 0.01; i=$((i+1)); done");
    }

    /** Runs argv under the checkpoint driver, saved after 300 ms and restored; checks the joined output. */
    private static void checkpointedMidway(String name, String expected, String... argv) throws Exception {
        Path dir = Files.createTempDirectory(CompatEnv.work(), name);
        Path out = dir.resolve("out");
        Files.createFile(out);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "300", dir.resolve("img").toString(), "--"));
        args.addAll(java.util.List.of(argv));
        assertEquals(0, driver(out, args));
        assertTrue(Files.exists(dir.resolve("img").resolve("kernel.img")), "no checkpoint was taken");
        assertEquals(0, driver(out, java.util.List.of("restore", dir.resolve("img").toString(), "-1")));
        assertEquals(expected, Files.readString(out));
    }

    private static int driver(Path out, java.util.List<String> args) throws Exception {
        java.util.List<String> cmd = ChildJvm.command(CheckpointDriver.class.getName());
        cmd.addAll(args);
        Path err = out.resolveSibling("stderr");
        Process p = new ProcessBuilder(cmd).redirectInput(new java.io.File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("driver " + args + " timed out; stderr: " + Files.readString(err));
        }
        if (p.exitValue() != 0) System.err.println(Files.readString(err));
        return p.exitValue();
    }

    /**
     * GNU sort handles SIGPIPE (to clean up, then dies of it): when head stops reading, sort
     * must run its handler.
     */
    @Test
    void sortIntoHeadDiesQuietlyOfSigpipe() {
        same(Program.of("proc-sort-head", "/bin/sh", "-c", "seq 1 100000 | sort | head -n 2"));
    }

    /** The scripts and files proc_exec expects, made once per run. */
    private static Path scripts() {
        try {
            Path d = CompatEnv.work().resolve("exec-fixture");
            Files.createDirectories(d.resolve("bin"));
            write(d, "script.sh", "#!/bin/busybox sh\necho \"script: $0 [$*] X=$X\"\nexit 3\n", true);
            write(d, "with-arg", "#!  /bin/busybox   echo  \n", true);
            write(d, "nested", "#!" + d.resolve("script.sh") + "\n", true);
            write(d, "loop1", "#!" + d.resolve("loop2") + "\n", true);
            write(d, "loop2", "#!" + d.resolve("loop1") + "\n", true);
            write(d, "bad-interp", "#!/nonexistent/interp\n", true);
            write(d, "plain.txt", "hello\n", false);
            write(d, "garbage", "just some text\n", true);
            write(d, "empty-shebang", "#!\n", true);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path dir, String name, String text, boolean exec) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
    }
}
