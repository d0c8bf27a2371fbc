package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers, gc and readers at once, through two Store objects over one directory: they take turns. */
class ConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void concurrentCheckpointsGcAndRestoresLeaveEverySnapshotWhole() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Store a = Store.open(dir); Store b = Store.open(dir)) {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Store s = t == 0 ? a : b;
                int base = t * 100;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        BufferMemory m = BufferMemory.whole(2 << 20);
                        m.fill(1);
                        m.change(base + i, 2, 8);
                        String id = s.checkpoint(new byte[0], m, Labels.named("s" + (base + i))
                                .withMetadata(Map.of("seed", Integer.toString(base + i))), Progress.NONE).snapshot().id();
                        if (i % 2 == 0) s.rm(id);
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                for (int i = 0; i < 5; i++) b.gc();
                return null;
            }));
            for (Future<?> f : work) f.get();
            List<SnapshotSummary> left = a.list();
            assertEquals(4, left.size(), left.toString());
            for (SnapshotSummary s : left) {
                int seed = Integer.parseInt(a.manifest(s.id()).metadata().get("seed"));
                BufferMemory want = BufferMemory.whole(2 << 20);
                want.fill(1);
                want.change(seed, 2, 8);
                BufferMemory back = BufferMemory.whole(2 << 20);
                b.restore(s.id(), back, true, Progress.NONE);
                assertTrue(want.sameAs(back), s.label());
            }
            a.gc();
            assertTrue(b.verify(null, Progress.NONE).clean());
        } finally {
            pool.shutdownNow();
        }
    }
}
