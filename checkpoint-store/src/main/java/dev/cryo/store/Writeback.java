package dev.cryo.store;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Starts packs on their way to the disk while a checkpoint is still compressing: every
 * {@link #STEP} bytes a worker appends, this thread fdatasyncs that pack, so the final sync before
 * the commit finds little left to write (sync_file_range would be the precise tool; plain
 * FileChannel has only fdatasync, and the platform module is not this module's to use). Its
 * failures are ignored: the final sync, which the commit waits for, reports them.
 */
final class Writeback implements AutoCloseable {
    static final long STEP = 32L << 20;
    private static final Packs.Writer STOP = new Packs.Writer(-1, null);

    private final LinkedBlockingQueue<Packs.Writer> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    Writeback() {
        thread = new Thread(this::loop, "cryo-store-writeback");
        thread.setDaemon(true);
        thread.start();
    }

    void kick(Packs.Writer w) {
        if (!queue.contains(w)) queue.add(w);
    }

    private void loop() {
        while (true) {
            Packs.Writer w;
            try {
                w = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (w == STOP) return;
            try {
                w.sync();
            } catch (IOException | RuntimeException e) {
                // the final sync reports it
            }
        }
    }

    /** Stops the thread once it has finished the sync it is in; no sync runs after this returns. */
    @Override
    public void close() {
        queue.clear();
        queue.add(STOP);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
