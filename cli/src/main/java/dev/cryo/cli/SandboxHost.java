package dev.cryo.cli;

import dev.cryo.platform.PlatformException;
import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import dev.cryo.sentry.syscalls.SyscallTable;
import dev.cryo.serializer.ImageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The hidden {@code cryo sandbox-host} command: the background JVM that {@code run -d} and
 * {@code restore -d} start ({@link Detach}). It hosts one sandbox: runs it on the main thread (a
 * platform thread, as the ptrace platform needs), serves the control socket on others, and keeps
 * {@code state.json} up to date until the sandbox stops. Its stdout and stderr are the log.
 */
@Command(name = "sandbox-host", hidden = true, description = "Internal: host a detached sandbox.")
final class SandboxHost implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--id", required = true)
    String id;

    @Option(names = "--restore", paramLabel = "IMAGE")
    String restore;

    @Option(names = "--accept-changed-files")
    boolean acceptChangedFiles;

    @Option(names = "--rootfs")
    String rootfs = "/";

    @Option(names = "--env")
    List<String> env = new ArrayList<>();

    @Option(names = "--cwd")
    String cwd = "/";

    @Option(names = "--strace")
    boolean strace;

    @Parameters(arity = "0..*")
    List<String> command = new ArrayList<>();

    private Path dir;
    private SandboxState state; // guarded by this
    private boolean finished; // guarded by this: the last state is written, nothing may change it
    private Path checkpointImage; // guarded by this: where a stopping checkpoint is writing
    private volatile boolean exited; // runToExit has returned

    @Override
    public Integer call() {
        dir = main.stateDir().dir(id);
        SyscallTable table = Main.prewarm != null ? Main.prewarm.table() : SyscallTable.standard();
        Sandbox sandbox;
        try {
            if (restore == null) {
                SandboxConfig config = new SandboxConfig(rootfs, command, SandboxConfig.environment(env), cwd,
                        strace ? System.err : null);
                sandbox = Sandbox.create(PtracePlatform.create(), config, table);
            } else {
                sandbox = Sandbox.restore(PtracePlatform.create(), Path.of(restore),
                        new Sandbox.RestoreOptions(acceptChangedFiles, strace ? System.err : null, table,
                        Main.prewarm != null ? Main.prewarm.codec() : null, rootfs));
            }
        } catch (Sandbox.StartException e) {
            return startFailed(e.getMessage(), e.exitStatus());
        } catch (ImageException e) {
            return startFailed("restore: " + e.getMessage(), 125);
        } catch (PlatformException | IllegalArgumentException e) {
            return startFailed(Main.describe(e), 125);
        }
        if (Main.prewarm != null) {
            // The codec the prewarm thread is making serves this sandbox's checkpoints; hand it
            // over when it is ready, without holding up the start.
            Sandbox target = sandbox;
            Thread t = new Thread(() -> {
                var codec = Main.prewarm.codec();
                if (codec != null) target.useCodec(codec);
            }, "cryo-codec-handover");
            t.setDaemon(true);
            t.start();
        }
        try (sandbox) {
            List<String> shown = restore == null ? command : restoredCommand(sandbox);
            state = new SandboxState(id, HostProcess.self(), SandboxState.Status.RUNNING, SandboxState.now(), shown,
                    null, null, null);
            ControlServer server;
            try {
                server = ControlServer.start(this, sandbox, dir);
                state.write(dir);
            } catch (IOException e) {
                return startFailed("control socket: " + Main.describe(e), 125);
            }
            int status = sandbox.runToExit();
            exited = true; // refuse new requests, then let the one in flight answer
            server.quiesce();
            synchronized (this) {
                finished = true;
                state = status == Sandbox.CHECKPOINTED ? state.checkpointed(checkpointImage == null ? null : checkpointImage.toString())
                        : state.stopped(status, null);
                writeLocked();
            }
            server.close();
            System.out.flush();
            return status == Sandbox.CHECKPOINTED ? 0 : status;
        }
    }

    /** Records why the sandbox did not start, for the waiting {@code run -d} to print. */
    private int startFailed(String message, int status) {
        System.err.println("cryo: " + message);
        SandboxState failed = new SandboxState(id, HostProcess.self(), SandboxState.Status.STOPPED,
                SandboxState.now(), restore == null ? command : List.of("restore", restore), status, message, null);
        try {
            failed.write(dir);
        } catch (IOException e) {
            System.err.println("cryo: cannot write the state: " + Main.describe(e));
        }
        return status;
    }

    /** What {@code ps} shows for a restored sandbox: its first process's name. */
    private List<String> restoredCommand(Sandbox sandbox) {
        try {
            return sandbox.processes().stream().min(Comparator.comparingInt(Sandbox.ProcessInfo::pid))
                    .map(p -> List.of(p.command())).orElse(List.of("restore", restore));
        } catch (RuntimeException e) {
            return List.of("restore", restore);
        }
    }

    // ---- for the ControlServer's threads

    synchronized boolean live() {
        return !exited && !finished && state.status().live();
    }

    synchronized void setStatus(SandboxState.Status s) {
        if (finished) return;
        state = state.withStatus(s);
        writeLocked();
    }

    /** Where the checkpoint now being taken writes, if it stops the sandbox (null: none is). */
    synchronized void checkpointingTo(Path image) {
        checkpointImage = image;
    }

    private void writeLocked() {
        try {
            state.write(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
