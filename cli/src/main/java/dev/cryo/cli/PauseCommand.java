package dev.cryo.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cryo pause ID}: freezes every process of the sandbox, invisibly to them (runc pause). */
@Command(name = "pause", description = "Freeze all processes of a sandbox.", mixinStandardHelpOptions = true)
final class PauseCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
        if (states().find(id).status() == SandboxState.Status.PAUSED) {
            throw new CryoException("sandbox " + id + " is already paused");
        }
        control(id, "pause");
        return 0;
    }
}
