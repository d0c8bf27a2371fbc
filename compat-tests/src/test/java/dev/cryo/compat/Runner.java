package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a {@link Program} natively or under cryo and waits for it with a deadline.
 *
 * <p>Cryo runs as a child JVM ({@code java ... dev.cryo.cli.Main run --no-enosys-report --
 * argv}) on this module's test class path, with the launcher's JVM flags. ProcessBuilder is
 * fine here: the harness is not a ptrace tracer (the child JVM is). Both runs get stdin from
 * /dev/null, the same working directory and the same environment: cryo's default one (as
 * SandboxConfig builds it) is given to the native run explicitly, and the program's extra
 * variables are passed to cryo with {@code --env}.
 */
final class Runner {
    private Runner() {}

    /** The environment a sandbox gets by default (SandboxConfig.environment with no overrides, no TERM). */
    static final List<String> BASE_ENV = List.of(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=cryo",
            "HOME=/root");

    /** Runs {@code p} directly on the host. */
    static Outcome runNative(Program p) {
        return start("native", p, new ArrayList<>(p.argv()));
    }

    /**
     * Runs {@code p} in a new cryo sandbox (the host's / as root). With
     * {@code -Dcompat.target=native} the "cryo" side runs natively too: a check that each case
     * is deterministic on the host (the cases are written to pass that way first).
     */
    static Outcome runCryo(Program p) {
        return runCryo(p, List.of());
    }

    /** Whether -Dcompat.target=native replaced cryo by a second native run. */
    static boolean cryoIsNative() {
        return "native".equals(System.getProperty("compat.target"));
    }

    /** Runs {@code p} under cryo with extra {@code cryo run} options (e.g. --strace). */
    static Outcome runCryo(Program p, List<String> cryoOptions) {
        if (cryoIsNative()) {
            Outcome o = start("native-again", p, new ArrayList<>(p.argv()), p.argv());
            return new Outcome("cryo(native)", o.command(), o.status(), o.stdout(), o.stderr(), o.elapsed());
        }
        List<String> cmd = ChildJvm.command("dev.cryo.cli.Main");
        cmd.add("run");
        cmd.add("--no-enosys-report");
        cmd.add("--cwd");
        cmd.add(p.cwd().toString());
        for (String kv : p.env()) {
            cmd.add("--env");
            cmd.add(kv);
        }
        cmd.addAll(cryoOptions);
        cmd.add("--");
        cmd.addAll(p.argv());
        List<String> shown = new ArrayList<>(List.of("cryo", "run"));
        shown.addAll(cmd.subList(cmd.indexOf("dev.cryo.cli.Main") + 2, cmd.size()));
        return start("cryo", p, cmd, shown);
    }

    /**
     * Runs {@code p} under cryo with a checkpoint right after its {@code n}th system call: the
     * sandbox is saved and stopped, then restored in a new process, where it runs to its end.
     * The outcome holds both processes' output, in order, and the final status; a program that
     * makes fewer calls simply runs to its end in the first process. Both processes append the
     * Sentry's strace of the program to {@code strace} (emptied first), if not null.
     */
    static Outcome runCryoCheckpointed(Program p, long n, Path strace) {
        Path dir = CompatEnv.work().resolve("runs").resolve(p.name());
        Path image = dir.resolve("image-" + n);
        Path out = dir.resolve("cryo-ckpt.stdout");
        Path err = dir.resolve("cryo-ckpt.stderr");
        List<String> shown = new ArrayList<>(List.of("cryo", "run", "(checkpoint after syscall " + n + ", restore)"));
        shown.addAll(p.argv());
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            deleteTree(image);
            if (strace != null) Files.deleteIfExists(strace);
            List<String> jvm = strace == null ? List.of() : List.of("-Dcompat.strace=" + strace);
            List<String> first = new ArrayList<>(List.of("run-at", Long.toString(n), image.toString(), p.cwd().toString()));
            first.addAll(p.env());
            first.add("--");
            first.addAll(p.argv());
            int status = driver(p, jvm, first, out, err);
            boolean restored = Files.exists(image.resolve("kernel.img"));
            if (restored) status = driver(p, jvm, List.of("restore", image.toString(), "-1"), out, err);
            deleteTree(image);
            return new Outcome(restored ? "cryo-ckpt+restore" : "cryo-ckpt", shown, status, out, err,
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The leave-running variant: {@code p} checkpointed right after its {@code n}th system call
     * and left running to its end (the first outcome), then its image restored in a new process
     * and run to its end too (the second). {@code marks} receives the original's stdout and
     * stderr sizes at the save point: what the copy's output must continue from.
     */
    static Outcome[] runCryoLeaveRunning(Program p, long n, long[] marks) {
        Path dir = CompatEnv.work().resolve("runs").resolve(p.name());
        Path image = dir.resolve("leave-" + n);
        List<String> shown = new ArrayList<>(List.of("cryo", "run", "(checkpoint after syscall " + n + ", left running)"));
        shown.addAll(p.argv());
        try {
            Files.createDirectories(dir);
            deleteTree(image);
            Path m = Path.of(image + ".marks");
            Files.deleteIfExists(m);
            Path[] out = {dir.resolve("cryo-leave.stdout"), dir.resolve("cryo-copy.stdout")};
            Path[] err = {dir.resolve("cryo-leave.stderr"), dir.resolve("cryo-copy.stderr")};
            for (int i = 0; i < 2; i++) {
                Files.deleteIfExists(out[i]);
                Files.deleteIfExists(err[i]);
            }
            List<String> first = new ArrayList<>(List.of("run-at-leave", Long.toString(n), image.toString(), p.cwd().toString()));
            first.addAll(p.env());
            first.add("--");
            first.addAll(p.argv());
            long t0 = System.nanoTime();
            int original = driver(p, List.of(), first, out[0], err[0]);
            Outcome a = new Outcome("cryo-leave", shown, original, out[0], err[0], Duration.ofNanos(System.nanoTime() - t0));
            if (!Files.exists(image.resolve("kernel.img"))) return new Outcome[] {a, null};
            String[] sizes = Files.readString(m).trim().split(" ");
            marks[0] = Long.parseLong(sizes[0]);
            marks[1] = Long.parseLong(sizes[1]);
            t0 = System.nanoTime();
            int copy = driver(p, List.of(), List.of("restore", image.toString(), "-1"), out[1], err[1]);
            deleteTree(image);
            Files.deleteIfExists(m);
            return new Outcome[] {a, new Outcome("cryo-copy", shown, copy, out[1], err[1], Duration.ofNanos(System.nanoTime() - t0))};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int driver(Program p, List<String> jvmFlags, List<String> args, Path out, Path err) throws IOException {
        List<String> cmd = ChildJvm.command(jvmFlags, CheckpointDriver.class.getName());
        cmd.addAll(args);
        Process proc = new ProcessBuilder(cmd).directory(CompatEnv.work().toFile())
                .redirectInput(p.stdin())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        try {
            if (!proc.waitFor(p.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                proc.descendants().forEach(ProcessHandle::destroyForcibly);
                proc.destroyForcibly();
                fail(p.name() + ": checkpointed cryo run timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        return proc.exitValue();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(f);
        }
    }

    private static Outcome start(String where, Program p, List<String> cmd) {
        return start(where, p, cmd, cmd);
    }

    /** Starts {@code cmd}; failure messages show {@code shown} (the full command is in a .cmd file). */
    private static Outcome start(String where, Program p, List<String> cmd, List<String> shown) {
        Path dir = CompatEnv.work().resolve("runs").resolve(p.name());
        Path out = dir.resolve(where + ".stdout");
        Path err = dir.resolve(where + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(where.startsWith("native") ? p.cwd().toFile() : CompatEnv.work().toFile())
                .redirectInput(p.stdin())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        if (where.startsWith("native")) {
            Map<String, String> env = pb.environment();
            env.clear();
            for (String kv : BASE_ENV) put(env, kv);
            for (String kv : p.env()) put(env, kv);
        }
        long t0 = System.nanoTime();
        Process proc;
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(where + ".cmd"), cmd);
            proc = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
        try {
            if (!proc.waitFor(p.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                if (!where.startsWith("native")) dumpHang(proc, dir.resolve(where + ".hang.txt"));
                // Kill the whole tree: for cryo the JVM and the stub processes it traces.
                proc.descendants().forEach(ProcessHandle::destroyForcibly);
                proc.destroyForcibly();
                proc.waitFor(10, TimeUnit.SECONDS);
                Outcome o = new Outcome(where, shown, -1, out, err, Duration.ofNanos(System.nanoTime() - t0));
                fail(p.name() + ": " + where + " run timed out after " + p.timeout().toSeconds()
                        + " s and was killed (where it was stuck: " + dir.resolve(where + ".hang.txt") + ")\n" + o.summary() + OutputDiff.tail(where + " stdout", o.stdoutBytes()));
            }
        } catch (InterruptedException e) {
            proc.descendants().forEach(ProcessHandle::destroyForcibly);
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        return new Outcome(where, shown, proc.exitValue(), out, err, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Where a cryo run that timed out was stuck, for whoever reads the failure: the JVM's thread
     * stacks (jcmd Thread.print) and each process under it with its state and wait channel
     * (the stubs). Best effort: a failure here only leaves the file shorter.
     */
    private static void dumpHang(Process proc, Path file) {
        StringBuilder b = new StringBuilder();
        try {
            for (ProcessHandle h : proc.descendants().toList()) {
                b.append("pid ").append(h.pid()).append(": ");
                try {
                    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                        if (l.startsWith("Name:") || l.startsWith("State:")) b.append(l.replace('\t', ' ')).append("; ");
                    }
                    b.append("wchan ").append(Files.readString(Path.of("/proc", Long.toString(h.pid()), "wchan")));
                } catch (IOException | RuntimeException e) {
                    b.append(e);
                }
                b.append('\n');
            }
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process j = new ProcessBuilder(jcmd.toString(), Long.toString(proc.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            byte[] stacks = j.getInputStream().readAllBytes(); // jcmd ends when the dump is out
            j.waitFor(20, TimeUnit.SECONDS);
            b.append(new String(stacks, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            b.append("\n(").append(e).append(")\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.writeString(file, b);
        } catch (IOException ignored) {
            // the failure message still says it timed out
        }
    }

    private static void put(Map<String, String> env, String kv) {
        int eq = kv.indexOf('=');
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
}
