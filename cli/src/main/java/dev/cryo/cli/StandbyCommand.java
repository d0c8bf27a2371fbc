package dev.cryo.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cryo standby [-n N]}: the warm pool of hosting JVMs ({@link Standby}). With {@code -n}
 * it starts standbys until N are ready, or stops those past N ({@code -n 0}: all), and returns
 * once they are ready; either way it prints how many are ready.
 */
@Command(name = "standby", mixinStandardHelpOptions = true,
        description = {"Keep hosting JVMs ready, so that restore -d and run -d start without starting one.",
            "Each standby serves one sandbox; run this again to top the pool up."})
final class StandbyCommand extends ControlCommand {
    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Start or stop standbys until N are ready.")
    Integer count;

    @Override
    public Integer call() throws IOException {
        if (count != null && (count < 0 || count > 64)) throw new CryoException("standby -n takes 0 to 64");
        int ready = count == null ? Standby.live(states()) : Standby.resize(states(), count, err());
        out().println(ready);
        return count == null || ready == count ? 0 : 1;
    }
}
