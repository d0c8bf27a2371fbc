package dev.cryo.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs items 0..n-1 on one thread per core (compression, decompression and hashing are CPU-bound;
 * a checkpoint's pack writes go to I/O threads of their own, {@link StagedPackWriter}). Each thread takes the next item until none is left or one has
 * failed; the first failure is thrown once all threads have stopped.
 */
final class Parallel {
    private Parallel() {}

    /** One thread's work: its own state is made in {@link #start}, then items are handed to {@link #item}. */
    interface Worker {
        void item(int i) throws IOException;

        /** After the thread's last item (even on failure): free its buffers, sync its pack... */
        default void finish(boolean failed) throws IOException {}
    }

    interface Factory {
        Worker start() throws IOException;
    }

    static void run(String name, int n, Factory factory) throws IOException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Asked at each run, of the calling thread: a caller pinned to one CPU (a tracer thread)
        // gets one worker, which its pin would confine to that CPU anyway.
        int threads = Math.min(Math.max(1, Runtime.getRuntime().availableProcessors()), Math.max(1, n));
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                Worker w = null;
                try {
                    w = factory.start();
                    for (int i; failure.get() == null && (i = next.getAndIncrement()) < n; ) w.item(i);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (w != null) {
                        try {
                            w.finish(failure.get() != null);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }
            }, "cryo-store-" + name + "-" + t);
            th.setDaemon(true);
            th.start();
            started.add(th);
        }
        boolean interrupted = false;
        for (Thread th : started) {
            while (true) {
                try {
                    th.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the workers must stop before their buffers go: wait on
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure.get();
        if (f instanceof IOException io) throw io;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IOException(f);
    }
}
