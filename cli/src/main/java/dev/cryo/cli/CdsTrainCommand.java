package dev.cryo.cli;

import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import dev.cryo.sentry.syscalls.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Hidden: what the launcher runs once per build with -XX:DumpLoadedClassList, so that the
 * class-data-sharing archive made from that list holds the classes of every path a user's
 * command takes: a {@code cryo run} as a user types it; a sandbox made, checkpointed before it
 * ran, restored and run to its end, the same through the snapshot store; and a hosted sandbox (as {@code run -d} makes one) reached
 * by the client commands through its control socket, then checkpointed.
 */
@Command(name = "cds-train", hidden = true)
final class CdsTrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROGRAM", description = "A program that exits at once.")
    String program;

    @Parameters(index = "1..*", paramLabel = "LONG", description = "A program that runs for a second or more.")
    List<String> longRunning = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Main.execute("run", "--no-enosys-report", "--", program);
        Path work = Files.createTempDirectory("cryo-train");
        try {
            if (!longRunning.isEmpty()) hosted(work);
            SyscallTable table = SyscallTable.standard();
            try (Sandbox sb = Sandbox.create(Platforms.create(),
                    new SandboxConfig("/", List.of(program), SandboxConfig.environment(List.of()), "/", null), table)) {
                sb.checkpoint(work.resolve("img"), false);
            }
            // The snapshot store too: its index (Chronicle Map) loads hundreds of classes.
            String snap;
            ChroniclePosix.install();
            try (dev.cryo.store.Store store = dev.cryo.store.Store.open(work.resolve("store"))) {
                try (Sandbox sb = Sandbox.create(Platforms.create(),
                        new SandboxConfig("/", List.of(program), SandboxConfig.environment(List.of()), "/", null), table)) {
                    snap = sb.checkpoint(Sandbox.Target.store(store, dev.cryo.store.Labels.named("train"),
                            dev.cryo.store.Progress.NONE), false);
                }
                try (Sandbox sb = Sandbox.restore(Platforms.create(),
                        Sandbox.Source.store(store, snap),
                        new Sandbox.RestoreOptions(false, null, table))) {
                    sb.runToExit();
                }
            }
            Main.execute("--store", work.resolve("store").toString(), "snapshots");
            // As a user restores: through the command, so that its classes are archived too.
            return Main.execute("restore", "--image", work.resolve("img").toString());
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The control path: the host side on a second thread, the client commands on this one. */
    private void hosted(Path work) throws Exception {
        String root = work.resolve("state").toString();
        Path dir = StateDir.of(root).create("train");
        List<String> host = new ArrayList<>(List.of("--root", root, "sandbox-host", "--id", "train", "--"));
        host.addAll(longRunning);
        Thread t = new Thread(() -> Main.execute(host.toArray(String[]::new)), "cryo-train-host");
        t.start();
        for (int i = 0; i < 500 && !Files.exists(dir.resolve("state.json")); i++) Thread.sleep(10);
        Main.execute("--root", root, "ps", "-a");
        Main.execute("--root", root, "pause", "train");
        Main.execute("--root", root, "resume", "train");
        String store = work.resolve("hosted-store").toString();
        Main.execute("--root", root, "--store", store, "checkpoint", "train", "--leave-running", "--name", "train");
        Main.execute("--root", root, "checkpoint", "train", "--image", work.resolve("hosted").toString());
        t.join(10_000);
        Main.execute("--root", root, "logs", "train");
        Main.execute("--root", root, "delete", "--force", "train");
    }
}
