package dev.cryo.cli;

import dev.cryo.sentry.abi.Signals;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cryo delete [--force] ID...}: removes stopped sandboxes' state and logs (runc delete,
 * docker rm). A running or paused one is refused unless {@code --force}, which kills it first.
 * A checkpoint image is the user's and is left alone.
 */
@Command(name = "delete", aliases = "rm", description = "Remove stopped sandboxes (--force: stop them first).",
        mixinStandardHelpOptions = true)
final class DeleteCommand extends ControlCommand {
    @Option(names = {"-f", "--force"}, description = "Kill a running or paused sandbox, then remove it.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "ID")
    List<String> ids;

    /** How long a sandbox has to stop after SIGKILL before its JVM is killed. */
    private static final long GRACE_MS = 5_000;

    @Override
    public Integer call() throws IOException {
        int status = 0;
        for (String id : ids) {
            try {
                delete(id);
            } catch (CryoException e) {
                err().println("cryo: " + e.getMessage());
                status = e.status();
            }
        }
        return status;
    }

    private void delete(String id) throws IOException {
        SandboxState s = states().find(id);
        if (s.status().live()) {
            if (!force) throw new CryoException("sandbox " + id + " is " + s.status() + ": stop it first, or use --force");
            stop(id, s);
        }
        states().remove(id);
    }

    /** Asks the sandbox to die; if its JVM does not end in time, ends the JVM (its stubs die with it). */
    private void stop(String id, SandboxState s) throws IOException {
        try {
            ControlClient.call(states().dir(id), id, "kill " + Signals.SIGKILL);
        } catch (IOException | CryoException e) {
            // not answering: the JVM is ended below
        }
        long deadline = System.currentTimeMillis() + GRACE_MS;
        while (s.host().alive() && System.currentTimeMillis() < deadline) sleep();
        if (s.host().alive()) {
            ProcessHandle.of(s.host().pid()).ifPresent(ProcessHandle::destroyForcibly);
            deadline = System.currentTimeMillis() + GRACE_MS;
            while (s.host().alive() && System.currentTimeMillis() < deadline) sleep();
            if (s.host().alive()) throw new CryoException("sandbox " + id + ": its JVM (pid " + s.host().pid() + ") does not die");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CryoException("interrupted");
        }
    }
}
