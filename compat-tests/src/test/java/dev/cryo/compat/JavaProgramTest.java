package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real program no issue names: a JVM (the one running this test) in a sandbox, with a
 * thread pool, a ConcurrentHashMap and sleeps — dozens of threads, futexes, the JIT, the GC,
 * signals for its safepoints — checkpointed into the store while it runs and restored: the
 * copy goes on from the next line, with the values the original would have printed.
 */
class JavaProgramTest {
    @TempDir
    Path root;

    @TempDir
    Path store;

    @TempDir
    Path classes;

    private static final String SOURCE = """
            import java.util.concurrent.*;
            public class Tick {
                public static void main(String[] a) throws Exception {
                    ConcurrentHashMap<Integer, Long> seen = new ConcurrentHashMap<>();
                    ExecutorService pool = Executors.newFixedThreadPool(3);
                    for (int i = 0; ; i++) {
                        final int k = i;
                        Future<Long> f = pool.submit(() -> {
                            long s = 0;
                            for (int j = 0; j < 100000; j++) s += (j ^ k) % 7;
                            seen.put(k % 50, s);
                            return s;
                        });
                        System.out.println("tick " + i + " " + f.get() + " " + seen.size());
                        Thread.sleep(50);
                    }
                }
            }
            """;

    /** What tick {@code i} prints. */
    private static String expected(int i) {
        long s = 0;
        for (int j = 0; j < 100000; j++) s += (j ^ i) % 7;
        return "tick " + i + " " + s + " " + Math.min(i + 1, 50);
    }

    private int cryo(String... args) {
        List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--store", store.toString()));
        all.addAll(List.of(args));
        return Main.execute(all.toArray(String[]::new));
    }

    @Test
    void aRunningJvmCheckpointedIntoTheStoreGoesOnAfterARestore() throws Exception {
        Path src = classes.resolve("Tick.java");
        Files.writeString(src, SOURCE);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertEquals(0, cryo("run", "-d", "--id", "jvm", "--", java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", classes.toString(), "Tick"));
        try {
            waitFor("jvm", 5);
            assertEquals(0, cryo("checkpoint", "jvm", "--name", "jvm:1")); // stops it
            List<String> before = lines("jvm");
            int last = before.size() - 1;
            for (int i = 0; i <= last; i++) assertEquals(expected(i), before.get(i));

            assertEquals(0, cryo("restore", "-d", "--id", "back", "jvm:1"));
            waitFor("back", 3);
            List<String> after = lines("back");
            assertTrue(after.size() >= 3, after.toString());
            // The copy's first line is the one after the original's last: nothing lost, nothing twice.
            for (int i = 0; i < after.size(); i++) assertEquals(expected(last + 1 + i), after.get(i));
        } finally {
            cryo("delete", "--force", "jvm", "back");
        }
    }

    private List<String> lines(String id) throws Exception {
        Path log = root.resolve(id).resolve("log");
        if (!Files.exists(log)) return List.of();
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) if (l.startsWith("tick ")) out.add(l);
        return out;
    }

    /** Waits until sandbox {@code id} has printed {@code n} tick lines. */
    private void waitFor(String id, int n) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (lines(id).size() >= n) return;
            Thread.sleep(20);
        }
        throw new AssertionError(id + " printed fewer than " + n + " lines: " + Files.readString(root.resolve(id).resolve("log")));
    }
}
