package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writer at random moments during checkpoints, then during rm + gc: afterwards every
 * snapshot reported committed restores exactly and verifies, an interrupted one is complete or
 * absent (every manifest present restores to its content), gc reclaims the leftovers, and the
 * index recovers by itself (a checkpoint of stored content writes nothing new). Rounds:
 * {@code -Dcryo.crash.rounds} (default 4 + 2, ~25 s; the 50 + 10 in CrashSlowTest, -Pslow).
 * A child's first checkpoint comes ~1.8 s after it starts (JIT, index open), later ones every
 * 0.1-0.5 s: kills land 0.3-3.8 s in, so in the index open, in chunk writing and syncs, and
 * around commits.
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void killNineAtRandomMomentsLosesNothingCommitted() throws Exception {
        int rounds = Integer.getInteger("cryo.crash.rounds", 4);
        run(dir, rounds, Math.max(2, rounds / 2), new Random(Long.getLong("cryo.crash.seed", System.nanoTime())));
    }

    static void run(Path dir, int writeRounds, int gcRounds, Random random) throws Exception {
        Path root = dir.resolve("store");
        Map<String, Long> committed = new HashMap<>();
        Set<String> removing = new HashSet<>();
        try (Store store = Store.open(root)) { // committed before any crash: must survive them all
            CheckpointResult base = store.checkpoint(new byte[0], CrashChild.memory(1), Labels.named("base")
                    .withMetadata(Map.of("seed", "1")), Progress.NONE);
            committed.put(base.snapshot().id(), 1L);
        }
        long seed = 2;
        for (int round = 0; round < writeRounds + gcRounds; round++) {
            boolean gc = round >= writeRounds;
            seed += 1000;
            kill(root, gc, seed, (gc ? 1000 : 300) + random.nextInt(gc ? 4000 : 3500), committed, removing);
        }
        try (Store store = Store.open(root)) {
            Set<String> present = new HashSet<>();
            for (SnapshotSummary s : store.list()) present.add(s.id());
            for (Map.Entry<String, Long> e : committed.entrySet()) {
                if (!removing.contains(e.getKey())) assertTrue(present.contains(e.getKey()), "committed " + e + " is gone");
            }
            for (String id : present) { // the interrupted one, if present, is whole
                Snapshot s = store.manifest(id);
                long sd = Long.parseLong(s.metadata().get("seed"));
                BufferMemory back = BufferMemory.whole(CrashChild.SIZE);
                store.restore(id, back, true, Progress.NONE);
                assertTrue(CrashChild.memory(sd).sameAs(back), "snapshot " + id + " (seed " + sd + ") restores exactly");
            }
            VerifyReport v = store.verify(null, Progress.NONE);
            assertTrue(v.clean(), v.toString());
            store.gc();
            Set<Long> used = new HashSet<>();
            for (String id : present) for (ChunkRef c : store.manifest(id).chunks()) used.add(c.packId());
            Set<Long> onDisk = new Packs(root.resolve("packs"), Store.CHUNK_SIZE).ids();
            assertEquals(used, onDisk, "gc leaves exactly the packs snapshots use");
            try (var t = Files.list(root.resolve("tmp"))) {
                assertEquals(0, t.count(), "gc empties tmp/");
            }
            assertTrue(store.verify(null, Progress.NONE).clean());
            String any = present.iterator().next();
            long sd = Long.parseLong(store.manifest(any).metadata().get("seed"));
            CheckpointResult again = store.checkpoint(new byte[0], CrashChild.memory(sd), Labels.none(), Progress.NONE);
            assertEquals(0, again.newChunks(), "the index recovered: stored content is found");
            System.out.printf("crash: %d rounds, %d committed, %d present at the end%n", writeRounds + gcRounds,
                    committed.size(), present.size());
        }
    }

    /** Starts a child writing into {@code root}, kills it with SIGKILL {@code delayMs} after it is ready. */
    private static void kill(Path root, boolean gc, long seed, int delayMs, Map<String, Long> committed,
            Set<String> removing) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String f : System.getProperty("chronicle.jvm.flags", "").split("\\s+")) if (!f.isEmpty()) cmd.add(f);
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                gc ? "gc" : "write", root.toString(), Long.toString(seed)));
        Path err = root.resolveSibling("child.err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(l);
                        lines.notifyAll();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the child died: what it said is all there is
            }
        });
        reader.start();
        synchronized (lines) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!lines.contains("ready") && p.isAlive() && System.currentTimeMillis() < deadline) lines.wait(100);
        }
        assertTrue(p.isAlive(), "the child started: " + lines + " " + Files.readString(err));
        Thread.sleep(delayMs);
        p.destroyForcibly(); // SIGKILL
        p.waitFor(30, TimeUnit.SECONDS);
        reader.join(10_000);
        synchronized (lines) {
            for (String l : lines) {
                String[] w = l.split(" ");
                if (w[0].equals("committed")) committed.put(w[1], Long.parseLong(w[2]));
                if (w[0].equals("removing")) removing.add(w[1]);
            }
        }
    }
}
