package dev.cryo.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cryo resume ID}: lets a paused sandbox run again (runc resume). */
@Command(name = "resume", description = "Resume a paused sandbox.", mixinStandardHelpOptions = true)
final class ResumeCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
        if (states().find(id).status() != SandboxState.Status.PAUSED) {
            throw new CryoException("sandbox " + id + " is not paused");
        }
        control(id, "resume");
        return 0;
    }
}
