package dev.cryo.store;

import java.nio.file.Path;
import java.util.Map;

/**
 * The process {@link CrashTest} kills with SIGKILL at random moments: it checkpoints into a store
 * without end, and in "gc" mode also removes old snapshots and collects. It says on stdout what
 * it has done, after it is done ("committed ID SEED") or before it starts ("removing ID"), so
 * the test knows what must have survived. Not a tracee: a plain JVM.
 */
public final class CrashChild {
    static final int SIZE = 16 << 20;

    private CrashChild() {}

    /** The memory for {@code seed}: odd seeds share most chunks with a common base, even ones share none. */
    static BufferMemory memory(long seed) {
        BufferMemory m = BufferMemory.whole(SIZE);
        if (seed % 2 == 0) {
            m.fill(seed);
        } else {
            m.fill(1);
            m.change(seed, 8, 16);
        }
        return m;
    }

    public static void main(String[] args) throws Exception {
        boolean gc = args[0].equals("gc");
        long seed = Long.parseLong(args[2]);
        try (Store store = Store.open(Path.of(args[1]))) {
            System.out.println("ready");
            System.out.flush();
            for (long i = seed; ; i++) {
                CheckpointResult r = store.checkpoint(new byte[] {(byte) i}, memory(i),
                        Labels.named("crash:s" + i).withMetadata(Map.of("seed", Long.toString(i))), Progress.NONE);
                System.out.println("committed " + r.snapshot().id() + " " + i);
                System.out.flush();
                if (gc) {
                    var list = store.list();
                    if (list.size() > 3) {
                        String victim = list.get(0).id();
                        System.out.println("removing " + victim);
                        System.out.flush();
                        store.rm(victim);
                    }
                    store.gc();
                    System.out.println("gc done");
                    System.out.flush();
                }
            }
        }
    }
}
