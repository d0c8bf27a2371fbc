package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #4's dedup target as a user would try it, through the CLI: a sandbox changes 1% of its
 * 64 MiB between checkpoints, as page-sized writes scattered over all of it, page-aligned or 16
 * bytes past (as into a malloc'd buffer: each write then changes two pages), of random,
 * incompressible content (the worst case; with 64 KiB chunks stored whole this took 2.3x), and
 * ten checkpoints into the store take at most 1.15x the store's size after the first. The last snapshot
 * restores to a program that goes on exactly as the original does, and so does a snapshot of
 * the restored sandbox.
 */
class ScatteredChangesTest {
    @TempDir
    Path root;

    @TempDir
    Path store;

    private int cryo(String... args) {
        List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--store", store.toString()));
        all.addAll(List.of(args));
        return Main.execute(all.toArray(String[]::new));
    }

    @ParameterizedTest(name = "writes {0} bytes past a page boundary")
    @ValueSource(ints = {0, 16})
    void tenCheckpointsChangingOnePercentOfThePagesTakeAtMostOnePointFifteenTimesTheFirst(int shift) throws Exception {
        String prog = CompatEnv.compiled("scatter");
        assertEquals(0, cryo("run", "-d", "--id", "sc", "--", prog, "64", Integer.toString(shift)));
        try {
            long first = 0;
            for (int k = 0; k < 10; k++) {
                if (k > 0) assertEquals(0, cryo("kill", "sc", "USR1"));
                line("sc", "round " + k + " ");
                assertEquals(0, cryo("checkpoint", "sc", "--leave-running", "--name", "scatter:" + k));
                if (k == 0) first = stored();
            }
            double ratio = (double) stored() / first;
            System.out.printf("scattered pages through the CLI, shifted %d: first %d bytes, ten %.3fx%n", shift, first, ratio);
            assertTrue(ratio <= 1.15, "10 snapshots take " + ratio + "x the first");
            assertEquals(0, cryo("snapshot", "verify"));

            // Restored, the last snapshot's program makes the same next round as the original.
            assertEquals(0, cryo("restore", "scatter:9", "-d", "--id", "back"));
            assertEquals(0, cryo("kill", "sc", "USR1"));
            assertEquals(0, cryo("kill", "back", "USR1"));
            assertEquals(line("sc", "round 10 "), line("back", "round 10 "));

            // The restored sandbox knows its pieces: its checkpoint stores only what changed since,
            // and that snapshot restores too.
            long before = stored();
            assertEquals(0, cryo("checkpoint", "back", "--leave-running", "--name", "back:1"));
            assertTrue(stored() - before < first / 50, "a round of changes stores ~1%: " + (stored() - before));
            assertEquals(0, cryo("restore", "back:1", "-d", "--id", "again"));
            for (String id : new String[] {"sc", "back", "again"}) assertEquals(0, cryo("kill", id, "USR1"));
            String next = line("sc", "round 11 ");
            assertEquals(next, line("back", "round 11 "));
            assertEquals(next, line("again", "round 11 "));
            assertEquals(0, cryo("snapshot", "verify"));
        } finally {
            cryo("delete", "--force", "sc", "back", "again");
        }
    }

    /** Bytes of the store's packs and manifests. */
    private long stored() throws Exception {
        long n = 0;
        for (String d : new String[] {"packs", "snapshots"}) {
            try (var s = Files.list(store.resolve(d))) {
                n += s.mapToLong(p -> p.toFile().length()).sum();
            }
        }
        return n;
    }

    /** The first line of sandbox {@code id}'s output that starts with {@code prefix}, once it is there. */
    private String line(String id, String prefix) throws Exception {
        Path log = root.resolve(id).resolve("log");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Optional<String> l = Files.readAllLines(log).stream().filter(s -> s.startsWith(prefix)).findFirst();
                if (l.isPresent()) return l.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError(id + " did not print '" + prefix + "'");
    }
}
