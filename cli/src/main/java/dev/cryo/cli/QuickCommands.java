package dev.cryo.cli;

import java.util.ArrayList;
import java.util.concurrent.Callable;

/**
 * {@code run}, {@code checkpoint}, {@code restore}, {@code pause}, {@code resume}, {@code kill},
 * {@code ps}, {@code delete} and {@code wait} read without picocli when their arguments
 * take the plain forms below. Their start-up time is a target (issue #3: a restore running within
 * 210 ms of being typed, JVM start included; issue #2: {@code cryo run} within 1.5x of runsc), and
 * building picocli's model of a command costs ~80 ms on every start here even with class-data
 * sharing (its annotation proxies and built-in converters; measured, see README "Checkpoint and
 * restore"), where the JVM itself takes ~45. Anything else — help, a typo, an option or form not
 * listed, a value that looks like an option — returns null and goes to picocli, which gives its
 * usual answers. QuickCommandsTest checks that both read every plain form alike.
 *
 * <p>Plain forms: global {@code --root}/{@code --store} as in {@link Main}; options as separate
 * words or {@code --opt=value}; {@code --} ends the options ({@code run} needs it before the
 * program).
 */
final class QuickCommands {
    private QuickCommands() {}

    /** The command {@code args} runs, its fields set as picocli would set them; null: ask picocli. */
    static Callable<Integer> parse(Main main, String[] args) {
        Words w = new Words(args);
        while (w.more() && (w.is("--root") || w.is("--store"))) {
            String name = w.name();
            String value = w.value();
            if (value == null) return null;
            if (name.equals("--root")) main.root = value;
            else main.store = value;
        }
        if (!w.more()) return null;
        String word = w.next();
        if (word.equals("run")) {
            RunCommand r = run(w);
            if (r != null) r.main = main;
            return r;
        }
        ControlCommand c = switch (word) {
            case "restore" -> restore(w);
            case "checkpoint" -> checkpoint(w);
            case "pause" -> pause(w);
            case "resume" -> resume(w);
            case "kill" -> kill(w);
            case "ps", "list" -> ps(w);
            case "delete", "rm" -> delete(w);
            case "wait" -> waitFor(w);
            default -> null;
        };
        if (c != null) c.main = main;
        return c;
    }

    /** {@code run [OPTIONS] -- PROGRAM [ARGS...]}: only with the {@code --} (picocli reads the rest). */
    private static RunCommand run(Words w) {
        RunCommand r = new RunCommand();
        while (w.more()) {
            if (w.atEndOfOptions()) {
                w.next();
                if (!w.more()) return null; // no program: picocli's message
                r.command = new ArrayList<>();
                while (w.more()) r.command.add(w.next());
                return r;
            } else if (w.is("--rootfs")) {
                if ((r.rootfs = w.value()) == null) return null;
            } else if (w.is("--cwd") || w.is("--workdir") || w.is("-w")) {
                if ((r.cwd = w.value()) == null) return null;
            } else if (w.is("--user") || w.is("-u")) {
                if ((r.user = w.value()) == null) return null;
            } else if (w.is("--id")) {
                if ((r.id = w.value()) == null) return null;
            } else if (w.is("--env") || w.is("-e")) {
                String kv = w.value();
                if (kv == null) return null;
                r.env.add(kv);
            } else if (w.flag("-d") || w.flag("--detach")) {
                r.detach = true;
            } else if (w.flag("--strace")) {
                r.strace = true;
            } else if (w.flag("--no-enosys-report")) {
                r.noEnosysReport = true;
            } else {
                return null;
            }
        }
        return null;
    }

    private static RestoreCommand restore(Words w) {
        RestoreCommand r = new RestoreCommand();
        while (w.more()) {
            if (w.positional()) {
                if (r.snapshot != null) return null;
                r.snapshot = w.next();
            } else if (w.is("--image")) {
                if ((r.image = w.value()) == null) return null;
            } else if (w.is("--id")) {
                if ((r.id = w.value()) == null) return null;
            } else if (w.is("--rootfs")) {
                if ((r.rootfs = w.value()) == null) return null;
            } else if (w.flag("-d") || w.flag("--detach")) {
                r.detach = true;
            } else if (w.flag("--accept-changed-files")) {
                r.acceptChangedFiles = true;
            } else if (w.flag("--strace")) {
                r.strace = true;
            } else {
                return null;
            }
        }
        return r;
    }

    private static CheckpointCommand checkpoint(Words w) {
        CheckpointCommand c = new CheckpointCommand();
        while (w.more()) {
            if (w.positional()) {
                if (c.id != null) return null;
                c.id = w.next();
            } else if (w.is("--image")) {
                if ((c.image = w.value()) == null) return null;
            } else if (w.is("--name")) {
                if ((c.name = w.value()) == null) return null;
            } else if (w.flag("--leave-running")) {
                c.leaveRunning = true;
            } else {
                return null;
            }
        }
        return c.id == null ? null : c; // a missing ID: picocli's message
    }

    /**
     * {@code pause ID}: the commands a warm pool's manager runs between requests (pause, resume,
     * kill) are as slow to start as any other, and a resumed sandbox is its next request served.
     */
    private static PauseCommand pause(Words w) {
        PauseCommand c = new PauseCommand();
        return (c.id = onlyOperand(w)) == null ? null : c;
    }

    /** {@code resume ID}. */
    private static ResumeCommand resume(Words w) {
        ResumeCommand c = new ResumeCommand();
        return (c.id = onlyOperand(w)) == null ? null : c;
    }

    /** {@code kill ID [SIGNAL]}; a signal written {@code -9} is picocli's to read. */
    private static KillCommand kill(Words w) {
        KillCommand c = new KillCommand();
        if (!w.positional()) return null;
        c.id = w.next();
        if (w.positional()) c.signal = w.next();
        return w.more() ? null : c;
    }

    /** {@code ps [-a|--all] [-q|--quiet] [-f|--format FORMAT]}: what scripts poll. */
    private static PsCommand ps(Words w) {
        PsCommand c = new PsCommand();
        while (w.more()) {
            if (w.flag("-a") || w.flag("--all")) {
                c.all = true;
            } else if (w.flag("-q") || w.flag("--quiet")) {
                c.quiet = true;
            } else if (w.is("-f") || w.is("--format")) {
                if ((c.format = w.value()) == null) return null;
            } else {
                return null;
            }
        }
        return c;
    }

    /** {@code delete [-f|--force] ID...} (alias {@code rm}). */
    private static DeleteCommand delete(Words w) {
        DeleteCommand c = new DeleteCommand();
        c.ids = new ArrayList<>();
        while (w.more()) {
            if (w.positional()) {
                c.ids.add(w.next());
            } else if (w.flag("-f") || w.flag("--force")) {
                c.force = true;
            } else {
                return null;
            }
        }
        return c.ids.isEmpty() ? null : c;
    }

    /** {@code wait ID}. */
    private static WaitCommand waitFor(Words w) {
        WaitCommand c = new WaitCommand();
        return (c.id = onlyOperand(w)) == null ? null : c;
    }

    /** The one operand left, or null if there is none or more. */
    private static String onlyOperand(Words w) {
        if (!w.positional()) return null;
        String id = w.next();
        return w.more() ? null : id;
    }

    /** The words of a command line, read left to right. */
    private static final class Words {
        private final String[] args;
        private int i;
        private boolean optionsEnded;

        Words(String[] args) {
            this.args = args;
        }

        boolean more() {
            return i < args.length;
        }

        String next() {
            return args[i++];
        }

        /** Whether the next word is the {@code --} that ends the options. */
        boolean atEndOfOptions() {
            return more() && !optionsEnded && args[i].equals("--");
        }

        /** Whether the next word is an operand; steps over a first {@code --}. */
        boolean positional() {
            if (!more()) return false;
            if (!optionsEnded && args[i].equals("--")) {
                optionsEnded = true;
                i++;
                return more() && positional();
            }
            return more() && (optionsEnded || !args[i].startsWith("-"));
        }

        /** Whether the next word is option {@code name} taking a value, alone or as {@code name=value}. */
        boolean is(String name) {
            return more() && !optionsEnded && (args[i].equals(name) || args[i].startsWith(name + "="));
        }

        /** The name of the option {@link #is} accepted. */
        String name() {
            int eq = args[i].indexOf('=');
            return eq < 0 ? args[i] : args[i].substring(0, eq);
        }

        /** Consumes an option {@link #is} accepted; its value, or null if it has none usable here. */
        String value() {
            String word = args[i++];
            int eq = word.indexOf('=');
            if (eq >= 0) return word.substring(eq + 1);
            // picocli refuses such values (or reads them as options): leave those lines to it
            if (i >= args.length || args[i].startsWith("-")) return null;
            return args[i++];
        }

        /** Consumes the next word if it is exactly the flag {@code name}. */
        boolean flag(String name) {
            if (!more() || optionsEnded || !args[i].equals(name)) return false;
            i++;
            return true;
        }
    }
}
