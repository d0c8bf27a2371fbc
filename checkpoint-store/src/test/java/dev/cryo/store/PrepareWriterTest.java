package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host prepares to write ahead of its first checkpoint: the index is opened and the writer's
 * work rehearsed in memory. Nothing may be added to the store by it, and the checkpoint after
 * uses the index it opened and stores exactly what it would have.
 */
class PrepareWriterTest {
    @TempDir
    Path dir;

    private static long count(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void preparingAddsNothingAndTheNextCheckpointFindsTheIndexOpen() throws Exception {
        Path root = dir.resolve("store");
        assertFalse(Store.exists(root));
        BufferMemory mem = BufferMemory.whole(8 << 20);
        mem.fill(7);
        try (Store store = Store.open(root)) {
            assertTrue(Store.exists(root));
            assertEquals(null, store.heldIndex());
            store.prepareWriter();
            ChunkIndex opened = store.heldIndex();
            assertTrue(opened != null, "the index is open");
            assertEquals(0, count(root.resolve("packs")), "no pack");
            assertEquals(0, count(root.resolve("snapshots")), "no snapshot");
            assertEquals(0, count(root.resolve("tmp")));
            CheckpointResult r = store.checkpoint(new byte[16], mem, Labels.named("app"), Progress.NONE);
            assertTrue(store.heldIndex() == opened, "the checkpoint used the index opened ahead");
            assertEquals(0, r.dedupChunks(), "the rehearsal's chunks are not in the index");
            BufferMemory back = BufferMemory.whole(8 << 20);
            store.restore(r.snapshot().id(), back, true, Progress.NONE);
            assertTrue(mem.sameAs(back));
        }
    }

    /** A host whose store does not exist yet rehearses in a temporary directory and leaves nothing there. */
    @Test
    void withoutAStoreTheRehearsalLeavesNothingBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<Long> left = () -> {
            try (Stream<Path> s = Files.list(tmp)) {
                return s.filter(p -> p.getFileName().toString().startsWith("cryo-rehearsal")).count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        long before = left.get();
        Store.rehearseWriter();
        assertEquals(before, left.get());
        // A store made after it works as any other.
        BufferMemory mem = BufferMemory.whole(4 << 20);
        mem.fill(9);
        try (Store store = Store.open(dir.resolve("later"))) {
            CheckpointResult r = store.checkpoint(new byte[8], mem, Labels.named("x"), Progress.NONE);
            BufferMemory back = BufferMemory.whole(4 << 20);
            store.restore(r.snapshot().id(), back, true, Progress.NONE);
            assertTrue(mem.sameAs(back));
        }
    }

    @Test
    void theRehearsalRunsOnItsOwn() throws Exception {
        assertEquals(300 * (1 + Warmup.SMALL_PER_CHUNK), Warmup.run(300, () -> false)); // no store at all: scratch index, /dev/null pack
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        int done = Warmup.run(300, () -> asked.incrementAndGet() > 10);
        assertTrue(done < 20, "it stops when asked: " + done + " chunks rehearsed");
    }
}
