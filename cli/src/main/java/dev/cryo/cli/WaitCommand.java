package dev.cryo.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cryo wait ID}: blocks until the sandbox stops, then prints its exit status (as
 * {@code docker wait} does: 128+N for signal N) and exits 0. A sandbox stopped by a checkpoint, or
 * whose JVM died, has no exit status: that is an error (125).
 */
@Command(name = "wait", description = "Wait for a sandbox to stop; print its exit status.",
        mixinStandardHelpOptions = true)
final class WaitCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
        SandboxState s = awaitStopped(id);
        if (s.status() == SandboxState.Status.CHECKPOINTED) {
            throw new CryoException("sandbox " + id + " was checkpointed to " + s.image() + "; it has no exit status");
        }
        if (s.exitStatus() == null) {
            throw new CryoException("sandbox " + id + ": exit status unknown: " + s.error());
        }
        out().println(s.exitStatus());
        return 0;
    }
}
