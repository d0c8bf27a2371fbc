package dev.cryo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cryo ps [--all] [-q] [--format table|json]}: the sandboxes, as {@code runc list} and
 * {@code docker ps} show them. The PID is the JVM hosting the sandbox (0 once it stopped, as runc
 * shows); a sandbox whose JVM died shows as stopped, never running.
 */
@Command(name = "ps", aliases = "list", description = "List sandboxes (running and paused; --all: all).",
        mixinStandardHelpOptions = true)
final class PsCommand extends ControlCommand {
    @Option(names = {"-a", "--all"}, description = "Also list stopped and checkpointed sandboxes.")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Print only the ids.")
    boolean quiet;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "table (default) or json.")
    String format = "table";

    @Override
    public Integer call() throws IOException {
        if (!format.equals("table") && !format.equals("json")) {
            throw new CryoException("invalid format '" + format + "': use table or json");
        }
        List<SandboxState> shown = new ArrayList<>();
        for (SandboxState s : states().list()) {
            if (all || s.status().live()) shown.add(s);
        }
        PrintWriter out = out();
        if (quiet) {
            shown.forEach(s -> out.println(s.id()));
        } else if (format.equals("json")) {
            List<Object> json = new ArrayList<>();
            shown.forEach(s -> json.add(s.toJson()));
            out.println(Json.write(json));
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "PID", "STATUS", "CREATED", "COMMAND"});
            for (SandboxState s : shown) {
                rows.add(new String[] {s.id(), Long.toString(s.status().live() ? s.host().pid() : 0),
                    s.status().toString(), s.created(), shellJoin(s.command())});
            }
            printTable(out, rows);
        }
        return 0;
    }

    /** Columns padded to their widest cell plus 3, as runc's tabwriter does; the last unpadded. */
    static void printTable(PrintWriter out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) width[c] = Math.max(width[c], r[c].length());
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < cols - 1; c++) {
                sb.append(r[c]).append(" ".repeat(width[c] - r[c].length() + 3));
            }
            sb.append(r[cols - 1]);
            out.println(sb.toString().stripTrailing());
        }
    }

    private static final Pattern PLAIN = Pattern.compile("[\\w@%+=:,./-]+");

    /** The command as a shell would take it back: words with spaces or quotes are single-quoted. */
    static String shellJoin(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
