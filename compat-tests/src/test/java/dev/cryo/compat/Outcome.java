package dev.cryo.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How one run of a program ended: its exit status (128+N when signal N killed it, as a shell
 * and {@link Process#exitValue()} report it) and where its stdout and stderr were captured.
 * Output lives in files so that runs printing hundreds of megabytes do not fill the heap.
 *
 * @param where "native" or "cryo"
 * @param command the command line, as a user would type it (the full one is in a .cmd file beside stdout)
 * @param status the exit status
 * @param stdout file holding everything the program wrote to fd 1
 * @param stderr file holding everything the program wrote to fd 2
 * @param elapsed wall-clock time from start to exit
 */
record Outcome(String where, List<String> command, int status, Path stdout, Path stderr, Duration elapsed) {
    byte[] stdoutBytes() {
        return read(stdout);
    }

    byte[] stderrBytes() {
        return read(stderr);
    }

    String stdoutText() {
        return new String(stdoutBytes(), StandardCharsets.UTF_8);
    }

    String stderrText() {
        return new String(stderrBytes(), StandardCharsets.UTF_8);
    }

    /** A few lines for a failure message: status, time, and the tail of stderr. */
    String summary() {
        String err = stderrText();
        if (err.length() > 2000) err = "..." + err.substring(err.length() - 2000);
        return where + ": status " + status + " after " + elapsed.toMillis() + " ms; command: "
                + String.join(" ", command) + "\n" + where + " stderr (" + stderr + "):\n"
                + (err.isEmpty() ? "  (empty)\n" : OutputDiff.indent(err));
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
