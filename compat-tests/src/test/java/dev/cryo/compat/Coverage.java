package dev.cryo.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What each differential case did under cryo, for docs/compatibility.md: which variants passed,
 * and which system calls it really made (read from the Sentry's own --strace output of the
 * checkpoint variant, whose two halves together run the whole program). Kept in this JVM for
 * the report test that runs last, and in {@code target/compat/coverage/<case>.txt} (one line
 * "variants plain=pass ..." and one "syscalls a b c") for a look after the run.
 */
final class Coverage {
    private Coverage() {}

    static final List<String> VARIANTS = List.of("plain", "checkpoint-restore", "leave-running");

    /** One case's record: variant to passed, and the names of the system calls it made. */
    record Case(Map<String, Boolean> variants, Set<String> syscalls) {}

    private static final Map<String, Case> RUN = new ConcurrentHashMap<>();

    static void record(String name, Map<String, Boolean> variants, Set<String> syscalls) {
        Case c = new Case(new TreeMap<>(variants), new TreeSet<>(syscalls));
        RUN.put(name, c);
        StringBuilder sb = new StringBuilder("variants");
        for (String v : VARIANTS) {
            Boolean ok = variants.get(v);
            sb.append(' ').append(v).append('=').append(ok == null ? "not-run" : ok ? "pass" : "fail");
        }
        sb.append("\nsyscalls ").append(String.join(" ", c.syscalls())).append('\n');
        try {
            Path dir = CompatEnv.work().resolve("coverage");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".txt"), sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The cases recorded in {@code target/compat/coverage} by earlier runs (for regenerating the
     * report without running the cases again: -Dcompat.report.fromFiles=true).
     */
    static Map<String, Case> fromFiles() {
        Map<String, Case> out = new TreeMap<>();
        Path dir = CompatEnv.work().resolve("coverage");
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".txt")) continue;
                List<String> lines = Files.readAllLines(f);
                Map<String, Boolean> variants = new TreeMap<>();
                for (String kv : lines.get(0).substring("variants ".length()).split(" ")) {
                    String[] p = kv.split("=");
                    if (!p[1].equals("not-run")) variants.put(p[0], p[1].equals("pass"));
                }
                Set<String> calls = new TreeSet<>();
                for (String s : lines.get(1).substring("syscalls".length()).trim().split(" ")) if (!s.isBlank()) calls.add(s);
                out.put(name.substring(0, name.length() - 4), new Case(variants, calls));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The cases recorded by this JVM so far, by name. */
    static Map<String, Case> thisRun() {
        return new TreeMap<>(RUN);
    }

    /**
     * The names of the system calls in a --strace file: each line starts with the call's name and
     * "(" (strace's "+++ exited" lines and blank lines do not).
     */
    static Set<String> syscallsIn(Path strace) {
        Set<String> names = new TreeSet<>();
        if (!Files.exists(strace)) return names;
        try (Stream<String> lines = Files.lines(strace, StandardCharsets.ISO_8859_1)) {
            lines.forEach(l -> {
                int paren = l.indexOf('(');
                if (paren > 0 && l.substring(0, paren).matches("[a-z0-9_]+")) names.add(l.substring(0, paren));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
