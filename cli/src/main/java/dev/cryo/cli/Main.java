package dev.cryo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cryo} command: a picocli dispatcher over the subcommands, runc/runsc style. */
@Command(name = "cryo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A checkpointable sandbox for untrusted Linux x86-64 programs.",
        subcommands = {RunCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** With no command, prints the usage, as runc and docker do. */
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Work started before the command line is parsed; see {@link Prewarm}. */
    static Prewarm prewarm;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("run") && System.getProperty("cryo.noprewarm") == null) prewarm = Prewarm.start();
        System.exit(execute(args));
    }

    /** Runs the command line; returns the process exit status. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("cryo: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 125;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("cryo: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'cryo help' for more information.");
            return 125;
        });
        return cl.execute(args);
    }

    /** Reads the version Maven wrote at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"cryo " + p.getProperty("version", "unknown")
                    + " (platform ptrace, Java " + System.getProperty("java.version") + ")"};
        }
    }
}
