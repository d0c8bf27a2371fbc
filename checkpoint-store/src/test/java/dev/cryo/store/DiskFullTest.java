package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Disk full during a checkpoint (an 8 MiB tmpfs): a clear error, nothing committed, the store intact. */
class DiskFullTest {
    private Path mnt;
    private boolean mounted;

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @BeforeEach
    void mount() throws Exception {
        mnt = Files.createTempDirectory(Path.of("/tmp"), "cryo-store-full");
        mounted = run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs here (needs root): skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            // A mapping of the index not yet collected can hold the mount for a moment: retry,
            // then detach it (it goes once the mapping does).
            boolean done = false;
            for (int i = 0; i < 10 && !done; i++) {
                done = run("umount", mnt.toString()) == 0;
                if (!done) {
                    System.gc();
                    Thread.sleep(200);
                }
            }
            if (!done) run("umount", "-l", mnt.toString());
        }
        Files.deleteIfExists(mnt);
    }

    @Test
    void aCheckpointThatFillsTheDiskCommitsNothingAndLeavesTheStoreIntact() throws Exception {
        Path root = mnt.resolve("store");
        BufferMemory small = BufferMemory.whole(2 << 20);
        small.fill(1);
        BufferMemory big = BufferMemory.whole(24 << 20);
        big.fill(2); // ~14 MiB compressed: cannot fit
        try (Store store = Store.open(root)) {
            String id = store.checkpoint(new byte[0], small, Labels.named("small"), Progress.NONE).snapshot().id();
            long packsBefore = StoreRoundTripTest.du(root.resolve("packs"));
            StoreException e = assertThrows(StoreException.class,
                    () -> store.checkpoint(new byte[0], big, Labels.named("big"), Progress.NONE));
            assertTrue(e.getMessage().contains("disk full") && e.getMessage().contains("nothing was committed"),
                    e.getMessage());
            assertEquals(1, store.list().size());
            assertEquals(packsBefore, StoreRoundTripTest.du(root.resolve("packs")), "the failed checkpoint's packs are removed");
            BufferMemory back = BufferMemory.whole(2 << 20);
            store.restore(id, back, true, Progress.NONE);
            assertTrue(small.sameAs(back));
            assertTrue(store.verify(null, Progress.NONE).clean());
            // And the store still works once there is room.
            BufferMemory other = BufferMemory.whole(1 << 20);
            other.fill(3);
            store.checkpoint(new byte[0], other, Labels.named("after"), Progress.NONE);
            assertEquals(2, store.list().size());
        }
    }
}
