package dev.cryo.sentry.kernel;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.Regs;
import dev.cryo.sentry.loader.ElfLoader;
import dev.cryo.sentry.loader.LoadedImage;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FsContext;
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

    /**
     * A forked process (one thread): on the thread of an exited process's stub waiting in the
     * kernel's {@link StubPool}, if one waits; else as {@link #process}.
     */
    static void forked(Kernel k, Task t) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        if (!k.stubPool().take(t, ready)) {
            process(k, t);
            return;
        }
        await(k, ready);
    }

    /**
     * On a stub's thread: gives {@code as} (emptied) and its context {@code c} to {@code t}.
     * False, with {@code as} closed and {@code ready} failed, if {@code t}'s memory cannot be
     * attached.
     */
    static boolean adopt(Task t, AddressSpace as, Context c, CompletableFuture<Void> ready) {
        Thread.currentThread().setName("cryo-task-" + t.tid);
        try {
            t.mm.attach(as);
            t.mm.mapInherited();
            attach(t, c);
        } catch (RuntimeException e) {
            as.close();
            ready.completeExceptionally(e);
            return false;
        }
        ready.complete(null);
        return true;
    }

    /**
     * Runs {@code t}, then, while its stub is kept for another process ({@link TaskExit}), the
     * processes the stub pool hands this thread.
     */
    private static void runThenRecycle(Kernel k, Task t) {
        for (Task cur = t; cur != null; ) {
            cur.mayKeepStub = true;
            cur.run();
            AddressSpace as = cur.recycled;
            cur.recycled = null;
            if (as == null) break;
            Context c = as.reset(); // the application range unmapped: nothing of the last process left
            if (c == null) {
                as.close();
                break;
            }
            cur = k.stubPool().park(as, c);
        }
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
            runThenRecycle(k, t);
        }, "cryo-task-" + t.tid);
        th.setDaemon(true);
        th.start();
        await(k, ready);
    }

    /** Waits, without the kernel lock, until the new task runs or could not be set up. */
    private static void await(Kernel k, CompletableFuture<Void> ready) {
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
            t.mm.mapInherited();
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

    /** The sandbox's first process: see {@link Kernel#startInit}. */
    static Task init(Kernel k, String path, java.util.List<String> argv, java.util.List<String> envp, String cwd,
            java.util.function.Consumer<FdTable> stdio, Credentials creds) {
        int tid = k.allocatePid();
        MemoryManager mm = new MemoryManager(k.memoryFile(), k.platform().minUserAddress(), k.platform().maxUserAddress());
        AddressSpace as = k.platform().newAddressSpace(k.memoryFile().fd());
        Task t;
        try {
            mm.attach(as);
            t = new Task(k, tid, tid, Regs.initial(0, 0));
            t.creds = creds.copy();
            t.mm = mm;
            t.fs = new FsContext();
            t.fs.setCwd(k.vfs().canonicalDirectory(cwd));
            t.fds = new FdTable((int) t.limits.soft(Limits.NOFILE));
            stdio.accept(t.fds);
            FsContext fs = t.fs;
            Credentials c = t.creds;
            dev.cryo.sentry.vfs.Caller.set(c.fsuid, c.fsgid, c.groups); // the program is looked up as its user
            dev.cryo.sentry.mm.MappingSource exe = k.vfs().openExecutable(fs, path, c.fsuid, c.fsgid, c.groups);
            LoadedImage image = ElfLoader.load(mm, exe, path, argv, envp,
                    ElfLoader.Identity.of(t.creds.ruid, t.creds.euid, t.creds.rgid, t.creds.egid),
                    interp -> k.vfs().openExecutable(fs, interp, c.fsuid, c.fsgid, c.groups));
            t.regs[Regs.RIP] = image.entry();
            t.regs[Regs.RSP] = image.stackPointer();
            t.execPath = exe.name(); // the file's canonical path, as /proc/PID/exe shows it
            t.setComm(path.substring(path.lastIndexOf('/') + 1));
            t.context = as.mainContext();
        } catch (RuntimeException e) {
            as.close();
            throw e;
        }
        k.lock().lock();
        try {
            k.register(t);
        } finally {
            k.lock().unlock();
        }
        return t;
    }
}
