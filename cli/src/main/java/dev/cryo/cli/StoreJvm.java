package dev.cryo.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags of a process that opens the snapshot store's index: Chronicle Map reaches into
 * JDK internals and must be kept from phoning home (FIELD-NOTES.md). The {@code cryo} launcher
 * gives them only to the commands that open the index in their own JVM (module options cost
 * every start its archived module graph); a sandbox's hosting JVM writes snapshots, so
 * {@link Detach} adds them to its command line. The launcher's {@code store_flags} must match.
 */
final class StoreJvm {
    private StoreJvm() {}

    static final List<String> FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true");

    /** {@code flags} with those of {@link #FLAGS} it lacks appended. */
    static List<String> withStoreFlags(List<String> flags) {
        List<String> out = new ArrayList<>(flags);
        for (String f : FLAGS) {
            if (!out.contains(f)) out.add(f);
        }
        return out;
    }
}
