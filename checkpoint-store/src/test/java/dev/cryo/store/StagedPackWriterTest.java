package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A staged (direct-write) pack holds exactly the bytes a plain writer's would, across stages and syncs. */
class StagedPackWriterTest {
    @TempDir
    Path dir;
    private final ExecutorService io = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    @Test
    void recordsAcrossStagesAndSyncsLandAsAPlainWriterWouldWriteThem() throws Exception {
        // Twice: the second writer gets the first one's stage buffers, with its bytes still in them.
        for (int round = 0; round < 2; round++) {
            assertTrue(writeAndCompare(dir, round) instanceof StagedPackWriter,
                    "this file system takes direct writes (ext4, tmpfs on recent kernels)");
        }
    }

    /** Writes records of odd sizes through a new pack in {@code in}; checks its bytes; returns the (closed) writer. */
    private Packs.Writer writeAndCompare(Path in, int round) throws Exception {
        Packs packs = new Packs(in, 1 << 20);
        Packs.Writer w = packs.createStaged(io);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(PackRecord.fileHeader(w.id).array());
        Random r = new Random(7 + round);
        // Odd sizes so records straddle stage and block boundaries; syncs at odd points in between,
        // after which the partial block is rewritten whole by the next stage.
        for (int i = 0; i < 600; i++) {
            byte[] head = new byte[PackRecord.HEADER];
            byte[] data = new byte[1 + r.nextInt(65_000)];
            r.nextBytes(head);
            r.nextBytes(data);
            long at = w.append(ByteBuffer.wrap(head), ByteBuffer.wrap(data));
            assertEquals(expected.size(), at);
            expected.write(head);
            expected.write(data);
            assertEquals(expected.size(), w.size());
            if (i % 97 == 13) w.sync();
        }
        w.sync();
        w.close();
        assertTrue(expected.size() > 3 * StagedPackWriter.STAGE);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(packs.path(w.id)));
        return w;
    }

    @Test
    void aPackOnlyStartedHoldsItsHeader() throws Exception {
        Packs packs = new Packs(dir, 1 << 20);
        Packs.Writer w = packs.createStaged(io);
        w.sync();
        w.close();
        assertEquals(w.id, packs.headerId(w.id));
        assertEquals(PackRecord.FILE_HEADER, Files.size(packs.path(w.id)));
    }

    @Test
    void aFileSystemWithoutDirectWritesGetsPlainPacksAndCheckpointsThroughTheCache() throws Exception {
        // ramfs refuses O_DIRECT at open (EINVAL): packs go through the page cache there. (A
        // whole store cannot live on ramfs: Chronicle Map's fallocate check sees no free space.)
        Path mnt = Files.createTempDirectory(Path.of("/tmp"), "cryo-ramfs");
        boolean mounted = run("mount", "-t", "ramfs", "ramfs", mnt.toString()) == 0;
        try {
            Assumptions.assumeTrue(mounted, "cannot mount a ramfs here (needs root): skipped");
            Packs.Writer w = writeAndCompare(mnt, 3);
            assertFalse(w instanceof StagedPackWriter);
            assertTrue(w.writesBack());
            // A whole checkpoint with its packs there (the index beside them on this disk): the
            // page-cache path with its writeback thread, past Writeback.STEP per worker.
            Path root = dir.resolve("store");
            Files.createDirectories(root);
            Path packsOnRamfs = Files.createDirectory(mnt.resolve("packs"));
            Files.createSymbolicLink(root.resolve("packs"), packsOnRamfs);
            BufferMemory mem = BufferMemory.whole(128 << 20);
            mem.fill(13); // ~76 MiB stored
            try (Store store = Store.open(root)) {
                String id = store.checkpoint(new byte[0], mem, Labels.named("plain"), Progress.NONE).snapshot().id();
                BufferMemory back = BufferMemory.whole(128 << 20);
                store.restore(id, back, true, Progress.NONE);
                assertTrue(mem.sameAs(back));
                assertTrue(store.verify(null, Progress.NONE).clean());
            }
        } finally {
            if (mounted && run("umount", mnt.toString()) != 0) run("umount", "-l", mnt.toString());
            Files.deleteIfExists(mnt);
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void aCheckpointThroughStagedPacksRestoresAndVerifies() throws Exception {
        // Past two stages per worker, so that stage writes run while the workers go on.
        BufferMemory mem = BufferMemory.whole(40 << 20);
        mem.fill(11); // ~24 MiB stored, ~12 per worker
        try (Store store = Store.open(dir.resolve("store"))) {
            String id = store.checkpoint(new byte[] {1, 2}, mem, Labels.named("big"), Progress.NONE).snapshot().id();
            BufferMemory back = BufferMemory.whole(40 << 20);
            store.restore(id, back, true, Progress.NONE);
            assertTrue(mem.sameAs(back));
            assertTrue(store.verify(null, Progress.NONE).clean());
        }
    }
}
