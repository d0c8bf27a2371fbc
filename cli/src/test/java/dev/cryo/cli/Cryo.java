package dev.cryo.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code cryo --root ROOT ...} in this JVM, as a user would, and keeps what it printed. */
record Cryo(Path root) {
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + ", stdout [" + out + "], stderr [" + err + "]";
        }
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--root", root.toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(out, err, all.toArray(String[]::new));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
