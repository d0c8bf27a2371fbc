package dev.cryo.cli;

import dev.cryo.platform.Platform;
import dev.cryo.platform.PlatformException;
import dev.cryo.platform.host.Host;
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

    @Option(names = "--id")
    String id;

    /** Be a standby (see {@link Standby}): get ready, then host the sandbox a client hands over. */
    @Option(names = "--standby", paramLabel = "TOKEN")
    String standby;

    @Option(names = "--restore", paramLabel = "IMAGE")
    String restore;

    @Option(names = "--restore-snapshot", paramLabel = "SNAPSHOT")
    String restoreSnapshot;

    @Option(names = "--store", paramLabel = "DIR")
    String storeDir;

    @Option(names = "--accept-changed-files")
    boolean acceptChangedFiles;

    @Option(names = "--rootfs")
    String rootfs = "/";

    @Option(names = "--env")
    List<String> env = new ArrayList<>();

    @Option(names = "--cwd")
    String cwd = "/";

    /** UID:GID, numbers resolved by `cryo run`. */
    @Option(names = "--user")
    String user = "0:0";

    @Option(names = "--strace")
    boolean strace;

    @Parameters(arity = "0..*")
    List<String> command = new ArrayList<>();

    private Path dir;
    private SandboxState state; // guarded by this
    private boolean finished; // guarded by this: the last state is written, nothing may change it
    private String checkpointImage; // guarded by this: where a stopping checkpoint is writing
    /** The snapshot store, opened at the first checkpoint into it and kept (its index stays open). guarded by this */
    private dev.cryo.store.Store store;
    private Path openStoreDir; // guarded by this
    /** The snapshot this sandbox was last saved as or restored from: the parent of its next. */
    private volatile String lastSnapshot;
    private volatile boolean exited; // runToExit has returned

    /** The platform a standby started while it waited, or null: start one. */
    private Platform platform;

    @Override
    public Integer call() {
        if (standby != null) return standBy();
        if (id == null) throw new CryoException("sandbox-host needs --id");
        dir = main.stateDir().dir(id);
        SyscallTable table = Main.prewarm != null ? Main.prewarm.table() : SyscallTable.standard();
        Sandbox sandbox;
        try {
            if (restoreSnapshot != null) {
                dev.cryo.store.Store st = storeAt(SnapshotStore.dir(storeDir));
                lastSnapshot = st.resolve(restoreSnapshot);
                sandbox = Sandbox.restore(platform(), Sandbox.Source.store(st, lastSnapshot),
                        new Sandbox.RestoreOptions(acceptChangedFiles, strace ? System.err : null, table,
                        Main.prewarm != null ? Main.prewarm.codec() : null, rootfs));
            } else if (restore == null) {
                String[] ids = user.split(":");
                SandboxConfig config = new SandboxConfig(rootfs, command, SandboxConfig.environment(env), cwd,
                        strace ? System.err : null, Integer.parseUnsignedInt(ids[0]), Integer.parseUnsignedInt(ids[1]));
                sandbox = Sandbox.create(platform(), config, table);
            } else {
                sandbox = Sandbox.restore(platform(), Path.of(restore),
                        new Sandbox.RestoreOptions(acceptChangedFiles, strace ? System.err : null, table,
                        Main.prewarm != null ? Main.prewarm.codec() : null, rootfs));
            }
        } catch (Sandbox.StartException e) {
            return startFailed(e.getMessage(), e.exitStatus());
        } catch (ImageException | dev.cryo.store.StoreException e) {
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
            List<String> shown = restore == null && restoreSnapshot == null ? command : restoredCommand(sandbox);
            state = new SandboxState(id, HostProcess.self(), SandboxState.Status.RUNNING, SandboxState.now(), shown,
                    null, null, null);
            ControlServer server;
            try {
                server = ControlServer.start(this, sandbox, dir);
                state.write(dir);
                prepareStoreLater();
            } catch (IOException e) {
                return startFailed("control socket: " + Main.describe(e), 125);
            }
            int status = sandbox.runToExit();
            exited = true; // refuse new requests, then let the one in flight answer
            server.quiesce();
            // The socket goes before the final state is written: whoever sees "stopped" (a
            // `wait` returning) finds no socket left behind.
            server.close();
            synchronized (this) {
                if (!finished) { // a stopping checkpoint has recorded itself already
                    finished = true;
                    state = status == Sandbox.CHECKPOINTED ? state.checkpointed(checkpointImage)
                            : state.stopped(status, null);
                    writeLocked();
                }
            }
            closeStore();
            System.out.flush();
            return status == Sandbox.CHECKPOINTED ? 0 : status;
        }
    }

    /** Records why the sandbox did not start, for the waiting {@code run -d} to print. */
    private int startFailed(String message, int status) {
        System.err.println("cryo: " + message);
        SandboxState failed = new SandboxState(id, HostProcess.self(), SandboxState.Status.STOPPED,
                SandboxState.now(), restoredFrom() == null ? command : List.of("restore", restoredFrom()), status, message, null);
        try {
            failed.write(dir);
        } catch (IOException e) {
            System.err.println("cryo: cannot write the state: " + Main.describe(e));
        }
        return status;
    }

    /** The image or snapshot this sandbox is restored from, or null. */
    private String restoredFrom() {
        return restore != null ? restore : restoreSnapshot;
    }

    /** What {@code ps} shows for a restored sandbox: its first process's name. */
    private List<String> restoredCommand(Sandbox sandbox) {
        try {
            return sandbox.processes().stream().min(Comparator.comparingInt(Sandbox.ProcessInfo::pid))
                    .map(p -> List.of(p.command())).orElse(List.of("restore", restoredFrom()));
        } catch (RuntimeException e) {
            return List.of("restore", restoredFrom());
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

    /**
     * Records the sandbox as checkpointed, once a stopping checkpoint has saved it and before the
     * request is answered: its tasks never run again, and the client returns when it sees this.
     * Tearing the sandbox down (its stubs' 200 MiB of mappings, say) takes the host ~15 ms more;
     * the state is final from here on, so a {@code delete} meanwhile is not undone by a later
     * write.
     */
    synchronized void recordCheckpointed() {
        if (finished) return;
        SandboxState checkpointed = state.checkpointed(checkpointImage);
        try {
            checkpointed.write(dir);
        } catch (IOException e) {
            return; // the image is saved all the same; the host writes the state once it has stopped
        }
        state = checkpointed;
        finished = true;
    }

    /** Where the checkpoint now being taken writes, if it stops the sandbox (null: none is). */
    synchronized void checkpointingTo(Path image) {
        checkpointImage = image == null ? null : image.toString();
    }

    /**
     * Checkpoints {@code sandbox} into the store at {@code dir} as {@code name} (NAME[:TAG], or
     * null), its source this sandbox and its parent the snapshot it last was; returns the id.
     */
    String checkpointToStore(Sandbox sandbox, Path dir, String name, boolean leaveRunning) throws IOException {
        dev.cryo.store.Labels labels = (name == null ? dev.cryo.store.Labels.none() : dev.cryo.store.Labels.named(name))
                .withSource(id);
        if (lastSnapshot != null) labels = labels.withParent(lastSnapshot);
        Sandbox.Target into = Sandbox.Target.store(storeAt(dir), labels, dev.cryo.store.Progress.NONE);
        String snap = sandbox.checkpoint((k, codec) -> {
            String s = into.save(k, codec);
            if (!leaveRunning) {
                synchronized (this) {
                    checkpointImage = "snapshot " + s; // recorded before the sandbox stops and its state is written
                }
            }
            return s;
        }, leaveRunning);
        lastSnapshot = snap;
        return snap;
    }

    private Platform platform() throws PlatformException {
        return platform != null ? platform : Platforms.create();
    }

    /**
     * A standby's life: start the platform (the syscall table and the codec are being built by
     * {@link Prewarm}), wait for a sandbox, move the output to its log, then host it as if
     * started for it. A request that cannot be read is a start that failed: the client sees
     * this JVM exit and reports it.
     */
    private Integer standBy() {
        Platform ready;
        try {
            ready = Platforms.create();
        } catch (PlatformException e) {
            System.err.println("cryo: standby: " + Main.describe(e));
            return 125;
        }
        SandboxHost host = new SandboxHost();
        picocli.CommandLine reader = new picocli.CommandLine(host); // its model built now, not at the request
        ChroniclePosix.install(); // a restore from the store opens it
        try {
            // The control socket's first use sets up the JDK's Unix sockets (a SecureRandom): ~35 ms, now.
            java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
        } catch (IOException e) {
            // the host's first control socket will say what is wrong
        }
        List<String> request;
        try {
            if (Main.prewarm != null) Main.prewarm.codec(); // ready before it says so
            request = Standby.serve(main.stateDir(), standby);
        } catch (IOException | InterruptedException e) {
            System.err.println("cryo: standby: " + Main.describe(e));
            return 125;
        }
        if (request == null) return 0;
        try {
            reader.parseArgs(request.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            System.err.println("cryo: standby: " + e.getMessage());
            return 125;
        }
        if (host.id == null || host.standby != null) return 125;
        StateDir.checkId(host.id);
        Standby.redirectOutput(main.stateDir().dir(host.id).resolve(StateDir.LOG));
        host.main = main;
        host.platform = ready;
        return host.call();
    }

    private synchronized dev.cryo.store.Store storeAt(Path dir) throws dev.cryo.store.StoreException {
        if (store != null && dir.equals(openStoreDir)) return store;
        if (store != null) store.close();
        ChroniclePosix.install();
        store = dev.cryo.store.Store.open(dir);
        openStoreDir = dir;
        return store;
    }

    /** How long a sandbox runs before its host prepares to write snapshots: short runs never pay. */
    static final long PREPARE_STORE_DELAY_MS = 250;

    /**
     * A first checkpoint into the store from a fresh host JVM spent most of its time opening the
     * index (~150 ms) and in the JIT compiling the writer's code while it ran (~1.1 s of CPU on
     * 2 cores for 200 MiB). A sandbox that lives past {@link #PREPARE_STORE_DELAY_MS} gets both
     * done ahead, on a thread at the lowest priority; where the store does not exist yet (running
     * a sandbox does not create one) the rehearsal only. A failure here is only a slower
     * checkpoint later.
     */
    private void prepareStoreLater() {
        Path storeDir = SnapshotStore.dir(this.storeDir != null ? this.storeDir : main.store);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(PREPARE_STORE_DELAY_MS);
                if (exited) return;
                Host.unpinCurrentThread();
                Host.niceCurrentThread(19);
                long t0 = System.nanoTime();
                if (dev.cryo.store.Store.exists(storeDir)) {
                    storeAt(storeDir).prepareWriter();
                } else {
                    dev.cryo.store.Store.rehearseWriter(); // no index to open yet: the JIT's part only
                }
                if (System.getenv("CRYO_TIMINGS") != null) {
                    System.err.printf("cryo: store writer prepared in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
                }
            } catch (InterruptedException | dev.cryo.store.StoreException | RuntimeException | InternalError e) {
                // only slower: the checkpoint opens the index itself
            }
        }, "cryo-store-prepare");
        t.setDaemon(true);
        t.start();
    }

    /** Closes the store (its index) once the sandbox is gone. */
    private synchronized void closeStore() {
        if (store != null) store.close();
        store = null;
    }

    private void writeLocked() {
        try {
            state.write(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
