package dev.cryo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code cryo} command: a picocli dispatcher over the subcommands, runc/runsc style. */
@Command(name = "cryo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A checkpointable sandbox for untrusted Linux x86-64 programs.")
public final class Main implements Runnable {
    /**
     * The subcommands. Only the one invoked is given to picocli: building a command's model from
     * its annotations costs milliseconds each, on every start (a switch, not a map of lambdas,
     * so that no other command class is even loaded).
     */
    private static final String[] COMMANDS = {"run", "ps", "logs", "wait", "kill", "pause", "resume", "delete",
        "checkpoint", "restore", "snapshot", "snapshots", "standby", "sandbox-host", "cds-train", "help"};

    private static Object command(String name) {
        return switch (name) {
            case "run" -> new RunCommand();
            case "ps" -> new PsCommand();
            case "logs" -> new LogsCommand();
            case "wait" -> new WaitCommand();
            case "kill" -> new KillCommand();
            case "pause" -> new PauseCommand();
            case "resume" -> new ResumeCommand();
            case "delete" -> new DeleteCommand();
            case "checkpoint" -> new CheckpointCommand();
            case "restore" -> new RestoreCommand();
            case "snapshot" -> new SnapshotCommand();
            case "snapshots" -> new SnapshotCommand.ListCmd();
            case "standby" -> new StandbyCommand();
            case "sandbox-host" -> new SandboxHost();
            case "cds-train" -> new CdsTrainCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Aliases, as the commands' own {@code @Command(aliases)} declare them. */
    private static final Map<String, String> ALIASES = Map.of("list", "ps", "rm", "delete");

    @Option(names = "--root", paramLabel = "DIR",
            description = "State directory (default: /run/cryo for root, $XDG_RUNTIME_DIR/cryo otherwise).")
    String root;

    @Option(names = "--store", paramLabel = "DIR",
            description = "Snapshot store (default: $CRYO_STORE, else /var/lib/cryo for root, ~/.local/share/cryo otherwise).")
    String store;

    /** Where bytes that are not ours to decode (a sandbox's log) go; flush {@code getOut()} first. */
    private OutputStream rawOut = System.out;

    OutputStream rawOut() {
        return rawOut;
    }

    /** Where this invocation keeps its sandboxes' state. */
    StateDir stateDir() {
        return StateDir.of(root);
    }

    /** With no command, prints the usage, as runc and docker do. */
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Work started before the command line is parsed; see {@link Prewarm}. */
    static Prewarm prewarm;

    /** When main began (System.nanoTime), for CRYO_TIMINGS. */
    static final long started = System.nanoTime();

    public static void main(String[] args) {
        String here = sandboxCommandHere(args);
        if (here != null && System.getProperty("cryo.noprewarm") == null) {
            // A restore needs the state codec at once; a detached sandbox will need it for its checkpoints.
            boolean hosting = here.equals("sandbox-host");
            boolean restoring = here.equals("restore") || hosting && hostRestores(args);
            prewarm = Prewarm.start(restoring || hosting, hosting && !restoring);
        }
        System.exit(execute(args));
    }

    /** Whether a {@code sandbox-host} command line restores an image (its options, before {@code --}). */
    private static boolean hostRestores(String[] args) {
        for (String a : args) {
            if (a.equals("--")) return false;
            if (a.equals("--restore") || a.equals("--restore-snapshot") || a.equals("--standby")) return true;
        }
        return false;
    }

    /** The index of the first argument after the global options (--root, --store). */
    private static int afterGlobalOptions(String[] args) {
        int i = 0;
        while (i < args.length && (args[i].startsWith("--root") || args[i].startsWith("--store"))) {
            i += args[i].contains("=") ? 1 : 2;
        }
        return i;
    }

    /** The first word after the global options (the subcommand's name), or null. */
    private static String commandWord(String[] args) {
        int i = afterGlobalOptions(args);
        return i < args.length && !args[i].startsWith("-") ? args[i] : null;
    }

    /** The command, if it runs a sandbox in this JVM (then {@link Prewarm} pays off), else null. */
    private static String sandboxCommandHere(String[] args) {
        int i = afterGlobalOptions(args);
        if (i >= args.length || !Set.of("run", "restore", "sandbox-host").contains(args[i])) return null;
        for (int j = i + 1; j < args.length && !args[j].equals("--"); j++) {
            if (args[j].equals("-d") || args[j].equals("--detach")) return null;
        }
        return args[i];
    }

    /** Runs the command line; returns the process exit status. */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** As {@link #execute(String...)}, printing to {@code out} and {@code err} (null: System's). */
    static int execute(OutputStream out, OutputStream err, String... args) {
        Main quick = new Main();
        Callable<Integer> command = QuickCommands.parse(quick, args);
        if (command != null) return quick.call(command, out, err);
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        String word = commandWord(args);
        String wanted = word == null ? null : ALIASES.getOrDefault(word, word);
        boolean versionOnly = wanted == null && args.length > 0
                && Arrays.asList(args).stream().anyMatch(a -> a.equals("-V") || a.equals("--version"));
        if (wanted != null && !wanted.equals("help") && Arrays.asList(COMMANDS).contains(wanted)) {
            cl.addSubcommand(wanted, command(wanted));
        } else if (!versionOnly) {
            for (String c : COMMANDS) cl.addSubcommand(c, command(c)); // help, usage, a typo's message
        }
        if (out != null) {
            main.rawOut = out;
            cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        }
        if (err != null) cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failed(ex, cmd.getErr()));
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("cryo: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'cryo help' for more information.");
            return 125;
        });
        int status = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return status;
    }

    /** The error line and exit status of a command that threw {@code ex}. */
    private static int failed(Exception ex, PrintWriter err) {
        err.println("cryo: " + describe(ex));
        err.flush();
        return ex instanceof CryoException c ? c.status() : 125;
    }

    /** Writers of a command run without picocli (see {@link QuickCommands}); null otherwise. */
    private PrintWriter quickOut;
    private PrintWriter quickErr;

    PrintWriter quickOut() {
        return quickOut;
    }

    PrintWriter quickErr() {
        return quickErr;
    }

    /** Runs a command {@link QuickCommands} read, as picocli's {@code execute} would have. */
    private int call(Callable<Integer> command, OutputStream out, OutputStream err) {
        if (out != null) rawOut = out;
        quickOut = new PrintWriter(new OutputStreamWriter(out != null ? out : System.out, StandardCharsets.UTF_8), true);
        quickErr = new PrintWriter(new OutputStreamWriter(err != null ? err : System.err, StandardCharsets.UTF_8), true);
        int status;
        try {
            Integer result = command.call();
            status = result == null ? 0 : result;
        } catch (Exception e) {
            status = failed(e, quickErr);
        }
        quickOut.flush();
        quickErr.flush();
        return status;
    }

    /** One line for the user about {@code e}: the JDK's file exceptions say only the path. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException f) return f.getFile() + ": no such file or directory";
        if (e instanceof AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof FileAlreadyExistsException f) return f.getFile() + ": file exists";
        return e.getMessage() == null ? e.toString() : e.getMessage();
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
                    + " (platform " + Platforms.name() + ", Java " + System.getProperty("java.version") + ")"};
        }
    }
}
