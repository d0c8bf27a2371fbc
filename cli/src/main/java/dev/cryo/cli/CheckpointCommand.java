package dev.cryo.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cryo checkpoint ID --image DIR [--leave-running]}: writes the sandbox's image to DIR.
 * Like {@code runc checkpoint}, the sandbox then stops (status checkpointed) unless
 * {@code --leave-running}; the command returns once the image is complete and, without
 * {@code --leave-running}, once the sandbox has stopped.
 */
@Command(name = "checkpoint", description = "Save a running sandbox to an image.", mixinStandardHelpOptions = true)
final class CheckpointCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--image", required = true, paramLabel = "DIR", description = "Where to write the image (created).")
    String image;

    @Option(names = "--leave-running", description = "Let the sandbox run on after the checkpoint.")
    boolean leaveRunning;

    @Override
    public Integer call() throws IOException {
        // The hosting JVM runs in "/": a relative path means the caller's directory.
        Path dir = Path.of(image).toAbsolutePath().normalize();
        control(id, "checkpoint " + (leaveRunning ? 1 : 0) + " " + dir);
        if (!leaveRunning) {
            // The image is complete once the request is answered; the sandbox records that it
            // stopped a moment later, well before its JVM has finished exiting: wait for that.
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
        return 0;
    }
}
