package dev.cryo.sentry.kernel;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Stubs of exited processes, kept for the next fork. A new process's address space was ~640 µs
 * of a fork's ~1.1 ms in bench/forkwait: a platform thread started (~150 µs), a stub process
 * spawned and attached by it (~490). The platform binds a stub to the thread that attached it,
 * so what is kept is the thread itself: a single-threaded process's thread, once its process
 * has exited, empties its stub ({@link AddressSpace#reset}) and waits here; a fork hands its
 * child to it. (Making spares ahead on other threads was tried: on 2 CPUs their making ran
 * ~4x slower beside the forking program and lost more than it saved.)
 *
 * <p>At most {@link #SIZE} wait; the pool closes when the kernel's last task is gone or the
 * sandbox closes, and its threads close their stubs. Transient: a restored kernel starts empty.
 */
final class StubPool {
    /** Stubs kept: a pipeline's two children, a fork loop's next. */
    static final int SIZE = 2;

    private final ArrayDeque<Spare> spares = new ArrayDeque<>(); // guarded by this
    private boolean closed; // guarded by this

    /** A thread with its emptied stub, waiting for the process it will run next. */
    private static final class Spare {
        private Task task; // guarded by this
        private CompletableFuture<Void> ready; // guarded by this
        private boolean dismissed; // guarded by this

        synchronized void give(Task t, CompletableFuture<Void> r) {
            task = t;
            ready = r;
            notifyAll();
        }

        synchronized void dismiss() {
            dismissed = true;
            notifyAll();
        }

        /** Waits for a task; null once dismissed. Not interruptible: only dismissal ends a spare. */
        synchronized Task await() {
            boolean interrupted = false;
            while (task == null && !dismissed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            return task;
        }

        synchronized CompletableFuture<Void> ready() {
            return ready;
        }
    }

    /**
     * Runs {@code t} (a new process of one thread) on a waiting stub's thread if there is one:
     * true, and {@code ready} completes once {@code t} runs there (exceptionally if its memory
     * could not be attached). False if none waits: the caller starts {@code t} its own way.
     */
    boolean take(Task t, CompletableFuture<Void> ready) {
        Spare s;
        synchronized (this) {
            s = closed ? null : spares.pollFirst();
        }
        if (s == null) return false;
        s.give(t, ready);
        return true;
    }

    /**
     * On the thread that ran a process on {@code as} (emptied, {@code c} its context): waits for
     * the next process and returns it attached to {@code as}, ready to run; or null, with
     * {@code as} closed, if the pool is full or closes meanwhile.
     */
    Task park(AddressSpace as, Context c) {
        Spare s = new Spare();
        synchronized (this) {
            if (closed || spares.size() >= SIZE) {
                s = null;
            } else {
                spares.addLast(s);
            }
        }
        Task t = s == null ? null : s.await();
        if (t == null) {
            as.close();
            return null;
        }
        return TaskStart.adopt(t, as, c, s.ready()) ? t : null;
    }

    /** Dismisses the waiting stubs (their threads close them); none is kept after. Idempotent. */
    void close() {
        List<Spare> gone;
        synchronized (this) {
            closed = true;
            gone = new ArrayList<>(spares);
            spares.clear();
        }
        for (Spare s : gone) s.dismiss();
    }
}
