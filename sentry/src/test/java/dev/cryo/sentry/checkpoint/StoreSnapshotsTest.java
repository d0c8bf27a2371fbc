package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.dev.DevFile;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.ImageException;
import dev.cryo.serializer.StateCodec;
import dev.cryo.store.CheckpointResult;
import dev.cryo.store.Labels;
import dev.cryo.store.Progress;
import dev.cryo.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kernel saved into the snapshot store and restored from it: memory, registers and all; twice, deduplicated. */
class StoreSnapshotsTest {
    private static final String PROGRAM = "/bin/busybox";

    @TempDir
    Path dir;

    @Test
    void aKernelRoundTripsThroughTheStoreAndASecondSnapshotStoresOnlyWhatChanged() throws Exception {
        assumeTrue(new java.io.File(PROGRAM).canExecute(), "needs " + PROGRAM);
        StateCodec codec = new StateCodec(SentryClasses.registry());
        byte[] junk = new byte[4 << 20];
        new Random(1).nextBytes(junk);
        long addr;
        long[] regs;
        CheckpointResult first, second;
        Kernel k = new Kernel(new NoPlatform(), Filesystems.hostRoot("/"), null);
        try (Store store = Store.open(dir.resolve("store"))) {
            Task t = k.startInit(PROGRAM, List.of("busybox", "true"), List.of("A=1"), "/", fds -> {
                DevFile nul = new DevFile(Device.NULL, OpenFlags.O_RDWR, "/dev/null");
                for (int fd = 0; fd < 3; fd++) fds.installAt(fd, nul, false);
            });
            MemoryManager mm = t.mm();
            addr = mm.mmap(0, junk.length, 3, 0x22, null, 0);
            mm.usermem().write(addr, junk);
            regs = t.regs().clone();
            first = StoreSnapshots.save(k, store, Labels.named("app:one"), codec, Progress.NONE);
            junk[12345] ^= 1; // one chunk changes
            mm.usermem().write(addr, junk);
            second = StoreSnapshots.save(k, store, Labels.named("app:two"), codec, Progress.NONE);
        } finally {
            k.memoryFile().close();
            k.vfs().close();
        }
        assertTrue(first.newChunks() >= junk.length / Store.CHUNK_SIZE, "the first stores all of its memory");
        assertEquals(1, second.newChunks(), "the second only the chunk that changed");

        try (Store store = Store.open(dir.resolve("store"))) {
            for (String ref : List.of("app:two", second.snapshot().id())) {
                Restorer.Restored r = StoreSnapshots.load(store, ref, new Kernel.RestoreEnv(new NoPlatform(), null, null),
                        false, codec);
                try {
                    Task t = r.kernel().tasks().values().iterator().next();
                    byte[] back = t.mm().usermem().read(addr, junk.length);
                    assertArrayEquals(junk, back, ref);
                    assertArrayEquals(regs, t.regs(), ref);
                } finally {
                    r.kernel().memoryFile().close();
                    r.kernel().vfs().close();
                }
            }
            // A flipped byte in a pack: the restore refuses the snapshot before anything runs.
            try (var packs = java.nio.file.Files.list(dir.resolve("store").resolve("packs"))) {
                for (Path p : packs.toList()) {
                    byte[] b = java.nio.file.Files.readAllBytes(p);
                    b[b.length - 100] ^= 0x20;
                    java.nio.file.Files.write(p, b);
                }
            }
            ImageException damaged = assertThrows(ImageException.class, () -> StoreSnapshots.load(store, "app:two",
                    new Kernel.RestoreEnv(new NoPlatform(), null, null), false, codec));
            assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
            ImageException e = assertThrows(ImageException.class, () -> StoreSnapshots.load(store, "app:none",
                    new Kernel.RestoreEnv(new NoPlatform(), null, null), false, codec));
            assertTrue(e.getMessage().contains("app:none"), e.getMessage());
        }
    }
}
