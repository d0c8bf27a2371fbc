package dev.cryo.cli;

import dev.cryo.sentry.abi.Signals;
import java.io.IOException;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cryo kill ID [SIGNAL]}: sends a signal to the sandbox's init, as {@code runc kill} does. */
@Command(name = "kill", description = "Send a signal (default SIGTERM) to a sandbox's init process.",
        mixinStandardHelpOptions = true)
final class KillCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SIGNAL",
            description = "Name (TERM, SIGKILL...) or number; default SIGTERM.")
    String signal = "SIGTERM";

    @Override
    public Integer call() throws IOException {
        int sig = parse(signal);
        control(id, "kill " + sig);
        return 0;
    }

    /** A signal by number, or by name with or without "SIG", in any case (runc's rules). */
    static int parse(String s) {
        try {
            int n = Integer.parseInt(s);
            if (Signals.valid(n)) return n;
        } catch (NumberFormatException e) {
            String name = s.toUpperCase(Locale.ROOT);
            if (!name.startsWith("SIG")) name = "SIG" + name;
            for (int n = 1; n <= Signals.NSIG; n++) {
                if (Signals.name(n).equals(name)) return n;
            }
        }
        throw new CryoException("invalid signal '" + s + "'");
    }
}
