package dev.cryo.sentry.kernel;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Puts tasks on platform threads. The platform binds a stub thread to the Java thread that
 * attached it (ptrace's tracer), so each task's context is made on the thread that will run it:
 * a new process's by creating its address space there, a new thread's by adopting a stub thread
 * that a thread already owning the address space cloned.
 */
final class TaskStart {
    private TaskStart() {}

    /**
     * A new process: its own thread makes its address space, then runs it. Waits until the
     * address space exists: if it cannot be made, throws and the task never runs.
     */
    static void process(Kernel k, Task t) {
        start(k, t, () -> {
            resume(k, t);
            return null;
        });
    }

    /**
     * A new thread of {@code as}: the stub thread is cloned here (this thread owns one of
     * {@code as}'s contexts), adopted by the new thread, which then runs the task.
     */
    static void thread(Kernel k, Task t, AddressSpace as) {
        long handle = as.cloneThread();
        start(k, t, () -> {
            attach(t, as.adoptThread(handle));
            return null;
        });
    }

    private static void start(Kernel k, Task t, Supplier<Void> setUp) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread th = new Thread(() -> {
            try {
                setUp.get();
            } catch (RuntimeException e) {
                ready.completeExceptionally(e);
                return;
            }
            ready.complete(null);
            t.run();
        }, "cryo-task-" + t.tid);
        th.setDaemon(true);
        th.start();
        try {
            k.lock().unlocked(() -> ready.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * A restored process on the thread that will run {@code t}: a new stub, then the other live
     * threads of the process, each adopting a stub thread cloned from this one.
     */
    static void resume(Kernel k, Task t) {
        AddressSpace as = k.platform().newAddressSpace(k.memoryFile().fd());
        try {
            t.mm.attach(as);
            attach(t, as.mainContext());
            for (Task x : t.group.threads()) {
                if (x != t && !x.exited) thread(k, x, as);
            }
        } catch (RuntimeException e) {
            as.close();
            throw e;
        }
    }

    /** Gives {@code t} its context, with the FP state and CPU clock it had. */
    private static void attach(Task t, Context c) {
        t.context = c;
        if (t.fpState != null) c.setFpState(t.fpState);
        t.cpuOffset = t.cpuBefore - c.cpuTimeNanos();
    }
}
