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

/**
 * Starts a sandbox in a background JVM ({@link SandboxHost}), as {@code run -d} and
 * {@code restore -d} do: the same java, class path and JVM flags as this one, stdin from
 * /dev/null, stdout and stderr to the sandbox's log, in a new session (through {@code setsid}
 * where the host has it) so that the terminal's signals and hang-up do not reach it. Returns
 * once the new JVM says the sandbox runs, or has failed to start.
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
        if (id == null) {
            do {
                id = StateDir.newId();
            } while (Files.exists(states.dir(id)));
        }
        Path dir = states.create(id);
        Path log = dir.resolve(StateDir.LOG);
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
        cmd.add("--id");
        cmd.add(id);
        cmd.addAll(hostArgs);
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            states.remove(id);
            throw new CryoException("cannot start the sandbox's JVM: " + Main.describe(e));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            SandboxState s = SandboxState.read(dir);
            if (s != null && s.error() == null) {
                // Running, or already finished (a short program): either way it started.
                out.println(id);
                out.flush();
                return 0;
            }
            if (s != null || !p.isAlive()) {
                int status;
                if (s != null) {
                    err.println("cryo: " + s.error());
                    status = s.exitStatus() != null ? s.exitStatus() : 125;
                    waitQuietly(p);
                } else {
                    // The JVM itself failed (bad flags, missing class): its words are in the log.
                    String said = Files.exists(log) ? Files.readString(log).strip() : "";
                    err.println("cryo: the sandbox's JVM exited with status " + p.exitValue()
                            + (said.isEmpty() ? "" : ": " + said));
                    status = 125;
                }
                err.flush();
                states.remove(id);
                return status;
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                waitQuietly(p);
                states.remove(id);
                throw new CryoException("the sandbox did not start within " + START_TIMEOUT_MS / 1000 + " s");
            }
            try {
                Thread.sleep(10);
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
