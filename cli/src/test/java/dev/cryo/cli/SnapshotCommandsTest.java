package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot store through the CLI (issue #4), as a user drives it: checkpoints into the store
 * by default, named and listed, inspected, restored by name, verified, exported and imported,
 * removed and collected.
 */
@Tag("integration")
class SnapshotCommandsTest {
    private static final String BUSYBOX = "/bin/busybox";

    @TempDir
    Path root;
    @TempDir
    Path store;
    @TempDir
    Path files;

    private Cryo.Result cryo(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--store";
        all[1] = store.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new Cryo(root).run(all);
    }

    private Cryo.Result ok(String... args) {
        Cryo.Result r = cryo(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r);
        return r;
    }

    @AfterEach
    void removeAll() {
        String ids = cryo("ps", "-a", "-q").out().strip();
        if (!ids.isEmpty()) cryo(("delete --force " + ids.replace('\n', ' ')).split(" "));
    }

    /** Markers the index's openers leave: index/open.PID.NONCE. */
    private static boolean indexOpenedBy(Path store, long pid) {
        try (var s = Files.list(store.resolve("index"))) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("open." + pid + "."));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aHostPreparesAnExistingStoreAheadAndCreatesNone() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX);
        Path none = files.resolve("no-store");
        Cryo.Result r = new Cryo(root).run("--store", none.toString(), "run", "-d", "--id", "p0", "--", BUSYBOX, "sleep", "30");
        assertEquals(0, r.status(), r.toString());
        dev.cryo.store.Store.open(store).close(); // the store exists, its index not yet
        ok("run", "-d", "--id", "p1", "--", BUSYBOX, "sleep", "30");
        long pid = SandboxState.read(root.resolve("p1")).host().pid();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!indexOpenedBy(store, pid) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertTrue(indexOpenedBy(store, pid), "the host opened the index ahead of a checkpoint");
        assertFalse(Files.exists(none), "running a sandbox creates no store");
        String snap = ok("checkpoint", "p1", "--leave-running").out().strip();
        assertTrue(snap.matches("[0-9a-f]{24}"), snap);
        assertEquals(0, ok("snapshot", "verify").status());
    }

    @Test
    void checkpointIntoTheStoreListInspectRestoreVerifyExportImportRemove() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX);
        ok("run", "-d", "--id", "s1", "--", BUSYBOX, "sleep", "30");

        String first = ok("checkpoint", "s1", "--leave-running", "--name", "app:one").out().strip();
        assertTrue(first.matches("[0-9a-f]{24}"), first);
        String second = ok("checkpoint", "s1", "--name", "app").out().strip();
        assertEquals(SandboxState.Status.CHECKPOINTED, SandboxState.read(root.resolve("s1")).status());

        List<String> rows = ok("snapshots").out().lines().toList();
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(0).startsWith("NAME "), rows.get(0));
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("app:one ") && l.contains(first.substring(0, 12)) && l.endsWith(" s1")),
                rows.toString());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("app:latest ")), rows.toString());
        assertEquals(ok("snapshot", "list").out(), ok("snapshots").out());

        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) Json.read(ok("snapshot", "inspect", "app:latest").out());
        assertEquals(second, info.get("id"));
        assertEquals(first, info.get("parent"), "the second checkpoint of a sandbox follows its first");
        assertEquals("s1", info.get("source"));
        assertTrue(info.get("processes").toString().contains("busybox"), info.toString());
        assertTrue(info.containsKey("dedup") && info.containsKey("memory"), info.toString());

        ok("restore", "app", "-d", "--id", "s2");
        assertEquals(0, cryo("kill", "s2", "KILL").status());
        assertEquals("137\n", cryo("wait", "s2").out());

        assertTrue(ok("snapshot", "verify").out().strip().endsWith(": ok"));
        Path exported = files.resolve("app.cryo");
        ok("snapshot", "export", "app:one", "-o", exported.toString());
        ok("snapshot", "rm", "app:one", "app:latest");
        assertEquals(1, ok("snapshots").out().lines().count(), "only the header is left");
        Cryo.Result gone = cryo("restore", "app");
        assertEquals(125, gone.status(), gone.toString());
        assertTrue(gone.err().contains("app"), gone.err());
        assertTrue(ok("snapshot", "gc").out().startsWith("reclaimed "));

        String imported = ok("snapshot", "import", exported.toString()).out().strip();
        assertEquals(first, imported, "a snapshot keeps its id across hosts");
        ok("restore", "app:one", "-d", "--id", "s3");
        if (!cryo("ps").out().contains("s3")) fail("the imported snapshot does not run: " + cryo("logs", "s3"));
        assertEquals(0, cryo("kill", "s3", "KILL").status());
    }
}
