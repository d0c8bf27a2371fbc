package dev.cryo.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Starts a sandbox in a background JVM ({@link SandboxHost}), as {@code run -d} and
 * {@code restore -d} do: the same java, class path and JVM flags as this one, stdin from
 * /dev/null, stdout and stderr to the sandbox's log, in a new session (through {@code setsid}
 * where the host has it) so that the terminal's signals and hang-up do not reach it; or in a
 * standby JVM started so ahead ({@link Standby}), if one is ready. Returns once the JVM says the
 * sandbox runs, or has failed to start.
 */
final class Detach {
    /** How long a start may take before we give up on it (a JVM start is ~0.3 s). */
    private static final long START_TIMEOUT_MS = 60_000;

    private Detach() {}

    /**
     * Creates the sandbox's directory, starts the hosting JVM with {@code hostArgs} (after
     * {@code sandbox-host --id ID}) and waits for it. Returns the exit status for {@code cryo}:
     * 0 once running (the id printed on {@code out}), else the start failure's status.
     */
    static int start(StateDir states, String id, List<String> hostArgs, PrintWriter out, PrintWriter err) throws IOException {
        if (id == null) id = newId(states);
        Integer taken = Standby.claim(states, id, hostArgs, out, err); // a JVM ready and waiting, if any
        if (taken != null) return taken;
        Path dir = states.create(id);
        Path log = dir.resolve(StateDir.LOG);
        List<String> cmd = hostCommand(states);
        cmd.add("--id");
        cmd.add(id);
        cmd.addAll(hostArgs);
        Process p;
        try {
            p = spawn(cmd, log);
        } catch (IOException e) {
            states.remove(id);
            throw new CryoException("cannot start the sandbox's JVM: " + Main.describe(e));
        }
        return await(states, id, p::isAlive, () -> {
            p.destroyForcibly();
            waitQuietly(p);
        }, () -> {
            waitQuietly(p);
            return p.exitValue();
        }, out, err);
    }

    /** A fresh sandbox id, not in use under {@code states}. */
    static String newId(StateDir states) {
        String id;
        do {
            id = StateDir.newId();
        } while (Files.exists(states.dir(id)));
        return id;
    }

    /**
     * The command line of a hosting JVM, up to the {@code sandbox-host} word: {@code setsid}
     * where the host has it, this JVM's java, flags (and the store's) and class path.
     */
    static List<String> hostCommand(StateDir states) {
        List<String> cmd = new ArrayList<>();
        for (String s : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
            if (Files.isExecutable(Path.of(s))) {
                cmd.add(s);
                break;
            }
        }
        cmd.add(javaBinary());
        cmd.addAll(StoreJvm.withStoreFlags(jvmFlags())); // it writes snapshots
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("--root");
        cmd.add(states.root().toString());
        cmd.add("sandbox-host");
        return cmd;
    }

    /** Starts {@code cmd} from /, stdin from /dev/null, stdout and stderr appended to {@code log}. */
    static Process spawn(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start();
    }

    /**
     * Waits until the JVM hosting {@code id} says the sandbox runs (prints the id, returns 0) or
     * has failed to start (prints why, removes the sandbox's directory, returns the status).
     * {@code alive} tells whether that JVM still lives; {@code kill} stops it at the deadline;
     * {@code exitValue} waits for it once it has failed and gives its exit status.
     */
    static int await(StateDir states, String id, BooleanSupplier alive, Runnable kill, IntSupplier exitValue,
            PrintWriter out, PrintWriter err) throws IOException {
        Path dir = states.dir(id);
        Path log = dir.resolve(StateDir.LOG);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            SandboxState s = SandboxState.read(dir);
            if (s != null && s.error() == null) {
                // Running, or already finished (a short program): either way it started.
                out.println(id);
                out.flush();
                return 0;
            }
            if (s != null || !alive.getAsBoolean()) {
                int status;
                if (s != null) {
                    err.println("cryo: " + s.error());
                    status = s.exitStatus() != null ? s.exitStatus() : 125;
                    exitValue.getAsInt();
                } else {
                    // The JVM itself failed (bad flags, missing class): its words are in the log.
                    String said = Files.exists(log) ? Files.readString(log).strip() : "";
                    int code = exitValue.getAsInt();
                    err.println("cryo: the sandbox's JVM exited" + (code >= 0 ? " with status " + code : "")
                            + (said.isEmpty() ? "" : ": " + said));
                    status = 125;
                }
                err.flush();
                states.remove(id);
                return status;
            }
            if (System.nanoTime() > deadline) {
                kill.run();
                states.remove(id);
                throw new CryoException("the sandbox did not start within " + START_TIMEOUT_MS / 1000 + " s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CryoException("interrupted");
            }
        }
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * This JVM's flags, less those that only make sense once (CDS training or dumping, a
     * debugger's port) and the launcher's {@code -XX:TieredStopAtLevel=1}: that suits a command
     * that is over in a moment, but a hosting JVM lives on and hashes every chunk of its
     * checkpoints into the store, and SHA-256 without C2's intrinsic ran 10x slower here
     * (1.45 s against 0.13 s for 200 MiB, measured).
     */
    private static List<String> jvmFlags() {
        List<String> out = new ArrayList<>();
        for (String f : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (f.startsWith("-XX:ArchiveClassesAtExit") || f.startsWith("-XX:DumpLoadedClassList") || f.startsWith("-agentlib:jdwp") || f.startsWith("-Xrunjdwp")
                    || f.startsWith("-XX:TieredStopAtLevel")) {
                continue;
            }
            out.add(f);
        }
        return out;
    }
}
