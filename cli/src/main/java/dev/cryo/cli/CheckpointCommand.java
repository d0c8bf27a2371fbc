package dev.cryo.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cryo checkpoint ID [--name NAME[:TAG]] [--leave-running]}: saves the sandbox into the
 * snapshot store and prints the snapshot's id; {@code --image DIR} writes a plain directory image
 * instead (the export format of issue #3).
 * Like {@code runc checkpoint}, the sandbox then stops (status checkpointed) unless
 * {@code --leave-running}; the command returns once the image is complete and, without
 * {@code --leave-running}, once the sandbox has stopped.
 */
@Command(name = "checkpoint", description = "Save a running sandbox to an image.", mixinStandardHelpOptions = true)
final class CheckpointCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--image", paramLabel = "DIR",
            description = "Write a directory image there (created) instead of a snapshot in the store.")
    String image;

    @Option(names = "--name", paramLabel = "NAME[:TAG]", description = "Name the snapshot (tag: latest unless given).")
    String name;

    @Option(names = "--leave-running", description = "Let the sandbox run on after the checkpoint.")
    boolean leaveRunning;

    @Override
    public Integer call() throws IOException {
        if (image != null && name != null) throw new CryoException("--name names a snapshot in the store: not with --image");
        String snapshot = null;
        if (image != null) {
            // The hosting JVM runs in "/": a relative path means the caller's directory.
            Path dir = Path.of(image).toAbsolutePath().normalize();
            control(id, "checkpoint " + (leaveRunning ? 1 : 0) + " " + dir);
        } else {
            if (name != null) dev.cryo.store.Labels.named(name); // a bad name is refused here, before the freeze
            Path store = SnapshotStore.dir(main.store);
            snapshot = control(id, "checkpoint-store " + (leaveRunning ? 1 : 0) + " " + store + "\t" + (name == null ? "-" : name));
        }
        long answered = System.nanoTime();
        if (!leaveRunning) {
            // The image is complete once the request is answered, and the host records the
            // sandbox as checkpointed before it answers (or, if that write failed, once the
            // sandbox is down, well before its JVM has exited): wait for that.
            SandboxState s = states().find(id);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (s.status().live() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                s = states().find(id);
            }
            if (s.status().live()) s = awaitStopped(id);
            if (s.status() != SandboxState.Status.CHECKPOINTED) {
                throw new CryoException("sandbox " + id + " " + s.status() + " instead of being checkpointed");
            }
        }
        if (System.getenv("CRYO_TIMINGS") != null) {
            err().printf("cryo: checkpoint client: answered %.1f ms after main, seen stopped %.1f ms later%n",
                    (answered - Main.started) / 1e6, (System.nanoTime() - answered) / 1e6);
        }
        if (snapshot != null) out().println(snapshot);
        return 0;
    }
}
