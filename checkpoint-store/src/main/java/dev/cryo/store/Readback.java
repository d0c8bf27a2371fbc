package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads a checkpoint's new packs back into the page cache on a daemon thread, once the
 * snapshot is committed. The packs were written around the cache ({@link StagedPackWriter}) so
 * that the checkpoint itself does not pay for it; but a restore, an export or a verify soon after
 * on this host would then read every record from the disk (a 200 MiB restore: ~300 ms against
 * ~210 from a cached directory image, measured). Best effort: a pack gone (gc) or a JVM that
 * exits first only leaves less cached.
 */
final class Readback {
    private static final int PIECE = 1 << 20;
    /** Read-backs under way, for {@link #awaitAll}. */
    private static final java.util.Set<Thread> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Readback() {}

    static void start(List<Path> packs) {
        if (packs.isEmpty()) return;
        Thread t = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(PIECE);
            for (Path p : packs) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    for (long pos = 0; ; pos += b.position()) {
                        b.clear();
                        if (ch.read(b, pos) <= 0) break;
                    }
                } catch (IOException e) {
                    // gone or unreadable: a later reader reads it from the disk, or reports it
                }
            }
            RUNNING.remove(Thread.currentThread());
        }, "cryo-store-readback");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        RUNNING.add(t);
        t.start();
    }

    /** Waits for the read-backs started so far (a benchmark's row must not time another's). */
    static void awaitAll() throws InterruptedException {
        for (Thread t : RUNNING) t.join();
    }
}
