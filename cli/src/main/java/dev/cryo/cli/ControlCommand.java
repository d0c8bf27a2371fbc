package dev.cryo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What the commands that act on an existing sandbox share: the state directory and the output. */
abstract class ControlCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    StateDir states() {
        return main.stateDir();
    }

    /** Standard output: picocli's, or {@link Main}'s when the command was read without picocli. */
    PrintWriter out() {
        return spec != null ? spec.commandLine().getOut() : main.quickOut();
    }

    PrintWriter err() {
        return spec != null ? spec.commandLine().getErr() : main.quickErr();
    }

    /** Sends {@code request} to sandbox {@code id}; returns what its "ok" answer carried. */
    String control(String id, String request) throws IOException {
        SandboxState s = states().find(id);
        if (!s.status().live()) throw new CryoException("sandbox " + id + " is " + s.status());
        try {
            return ControlClient.call(states().dir(id), id, request);
        } catch (IOException e) {
            SandboxState now = states().find(id);
            if (!now.status().live()) throw new CryoException("sandbox " + id + " is " + now.status());
            throw new CryoException("sandbox " + id + ": control socket: " + Main.describe(e));
        }
    }

    /**
     * Blocks until the JVM hosting {@code id} has exited; returns the sandbox's last state. The
     * control socket tells at once; if it is unreachable, the pid is polled.
     */
    SandboxState awaitStopped(String id) throws IOException {
        SandboxState s = states().find(id);
        while (s.status().live()) {
            try {
                ControlClient.awaitExit(states().dir(id));
            } catch (IOException e) {
                // not (or no longer) listening: poll the process
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CryoException("interrupted");
                }
            }
            s = states().find(id);
        }
        return s;
    }
}
