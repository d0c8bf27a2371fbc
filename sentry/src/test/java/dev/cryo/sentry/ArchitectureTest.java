package dev.cryo.sentry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.ArchitectureRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Sentry's place in the house ({@link ArchitectureRules}), and inside it the kernel's
 * layering: {@code abi} uses no other Cryo package; {@code memory}, {@code mm}, {@code vfs},
 * {@code fs.*}, {@code loader} and {@code host} never use {@code kernel}, {@code syscalls} or
 * {@code checkpoint}; {@code kernel} never uses {@code syscalls} or {@code checkpoint}.
 */
class ArchitectureTest extends ArchitectureRules {
    ArchitectureTest() {
        super("dev.cryo.sentry");
    }

    /** Sentry layers: each package (with its sub-packages) and the Sentry packages it must not use. */
    private static final Map<String, Set<String>> SENTRY_FORBIDDEN = Map.of(
            "memory", Set.of("kernel", "syscalls", "checkpoint"),
            "mm", Set.of("kernel", "syscalls", "checkpoint"),
            "vfs", Set.of("kernel", "syscalls", "checkpoint"),
            "fs", Set.of("kernel", "syscalls", "checkpoint"),
            "loader", Set.of("kernel", "syscalls", "checkpoint"),
            "host", Set.of("kernel", "syscalls", "checkpoint"),
            "sync", Set.of("kernel", "syscalls", "checkpoint", "vfs", "fs", "mm"),
            "kernel", Set.of("syscalls", "checkpoint"));

    @Test
    void sentryPackagesAreLayered() {
        List<String> bad = new ArrayList<>();
        for (Source s : sources()) {
            String from = sentryLayer(s.pkg());
            for (String ref : s.references()) {
                if (!ref.startsWith("dev.cryo.")) continue;
                if ("abi".equals(from) && !within(ref, "dev.cryo.sentry.abi")) {
                    bad.add(s.path() + ": abi uses " + ref + " (abi uses no other Cryo package)");
                } else if (SENTRY_FORBIDDEN.getOrDefault(from, Set.of()).contains(sentryLayer(ref))) {
                    bad.add(s.path() + ": " + from + " uses " + ref);
                }
            }
        }
        assertTrue(bad.isEmpty(), "Sentry packages used from below:\n" + String.join("\n", bad));
    }

    /** The first segment below dev.cryo.sentry ("fs" for dev.cryo.sentry.fs.tmpfs), or "". */
    private static String sentryLayer(String pkg) {
        if (!within(pkg, "dev.cryo.sentry") || pkg.equals("dev.cryo.sentry")) return "";
        String rest = pkg.substring("dev.cryo.sentry.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
