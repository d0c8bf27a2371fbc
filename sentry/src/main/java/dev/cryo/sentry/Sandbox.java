package dev.cryo.sentry;

import dev.cryo.platform.Platform;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.checkpoint.Checkpointer;
import dev.cryo.sentry.checkpoint.ImageDirectory;
import dev.cryo.sentry.checkpoint.Restorer;
import dev.cryo.serializer.ImageException;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.host.HostStdio;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.syscalls.Dispatcher;
import dev.cryo.sentry.syscalls.SyscallTable;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import java.io.PrintStream;
import java.util.Map;

/**
 * One sandbox: a kernel, its root filesystem and its first process. The entry point for the
 * CLI and the tests; runs the program on the calling thread.
 */
public final class Sandbox implements AutoCloseable {
    private final Kernel kernel;
    private final Task init;

    /** The program could not be started; {@link #exitStatus} is what docker run would return. */
    public static final class StartException extends RuntimeException {
        private final int exitStatus;

        StartException(String message, int exitStatus) {
            super(message);
            this.exitStatus = exitStatus;
        }

        public int exitStatus() {
            return exitStatus;
        }
    }

    /** A restored sandbox's init must be attached to a new stub on the thread that runs it. */
    private final boolean restored;
    /** How the restore went, for CRYO_TIMINGS (null for a new sandbox). */
    private Restorer.Restored restoreTimings;

    private Sandbox(Kernel kernel, Task init, boolean restored) {
        this.kernel = kernel;
        this.init = init;
        this.restored = restored;
    }

    /** Builds the sandbox and loads its first program (without running it). */
    public static Sandbox create(Platform platform, SandboxConfig config) {
        return create(platform, config, SyscallTable.standard());
    }

    /** As {@link #create(Platform, SandboxConfig)}, with a table built beforehand (it is immutable). */
    public static Sandbox create(Platform platform, SandboxConfig config, SyscallTable table) {
        VirtualFilesystem vfs;
        try {
            vfs = Filesystems.hostRoot(config.rootfs());
        } catch (SyscallError e) {
            throw new StartException("root filesystem " + config.rootfs() + ": " + Errno.text(e.errno()), 125);
        }
        Kernel kernel = new Kernel(platform, vfs, new Dispatcher(table));
        kernel.setStrace(config.strace());
        String cwd;
        try {
            cwd = vfs.canonicalDirectory(config.cwd());
        } catch (SyscallError e) {
            vfs.close();
            throw new StartException("working directory " + config.cwd() + ": " + Errno.text(e.errno()), 125);
        }
        String program = config.argv().get(0);
        String path = ProgramLookup.resolve(vfs, cwd, program, config.getenv("PATH"));
        Task init;
        try {
            init = kernel.startInit(path, config.argv(), config.envp(), cwd, fds -> HostStdio.install(fds, kernel.lock()),
                    dev.cryo.sentry.kernel.Credentials.of(config.uid(), config.gid()));
        } catch (SyscallError e) {
            vfs.close();
            int status = e.errno() == Errno.ENOENT ? 127 : 126;
            String what = e.errno() == Errno.ENOEXEC ? "exec format error" : Errno.text(e.errno());
            throw new StartException(program + ": " + what, status);
        }
        return new Sandbox(kernel, init, false);
    }

    public Kernel kernel() {
        return kernel;
    }

    /**
     * Runs the program until it exits; returns its status as a shell reports it, or
     * {@link #CHECKPOINTED} if a checkpoint stopped it.
     */
    public int runToExit() {
        if (restored) {
            long t = System.nanoTime();
            kernel.resumeOnThisThread(init);
            if (restoreTimings != null && System.getenv("CRYO_TIMINGS") != null) printTimings(System.nanoTime() - t);
        }
        if (restored) kernel.startRestoredTasks(init);
        int ws = init.run();
        // This thread was init's task thread, which the kernel interrupts to kick it out of waits
        // (a signal, a freeze): a kick left over must not cut the waits below short, nor reach
        // the caller.
        Thread.interrupted();
        // A main thread that ended alone (pthread_exit) leaves the process to its other threads.
        if (!init.checkpointed()) {
            ws = kernel.awaitProcessExit(init.group());
            if (ws < 0) {
                kernel.awaitNoTasks(FREEZE_TIMEOUT_MILLIS);
                return CHECKPOINTED;
            }
        }
        // Init's exit killed the rest (as in a pid namespace); let their stubs go before returning.
        kernel.awaitNoTasks(FREEZE_TIMEOUT_MILLIS);
        if (init.checkpointed()) return CHECKPOINTED;
        int sig = ws & 0x7f;
        return sig == 0 ? (ws >> 8) & 0xff : 128 + sig;
    }

    // ---- control, from other threads while runToExit runs (the control socket's thread)

    /** Exit status {@link #runToExit} returns when a checkpoint stopped the sandbox. */
    public static final int CHECKPOINTED = -1;

    /** One process of the sandbox, as {@code cryo ps} and runc's ps show it. */
    public record ProcessInfo(int pid, String command) {}

    /** The sandbox's processes, by pid. */
    public java.util.List<ProcessInfo> processes() {
        java.util.List<ProcessInfo> out = new java.util.ArrayList<>();
        kernel.tasks().forEach((tid, t) -> out.add(new ProcessInfo(tid, t.comm())));
        return out;
    }

    /** The state codec for checkpoints: made once (tens of ms), by {@link #useCodec} or on first use. */
    private dev.cryo.serializer.StateCodec codec;

    /** Gives the sandbox a codec made beforehand (on another thread), for its checkpoints. */
    public synchronized void useCodec(dev.cryo.serializer.StateCodec codec) {
        if (this.codec == null) this.codec = codec;
    }

    private synchronized dev.cryo.serializer.StateCodec codec() {
        if (codec == null) codec = new dev.cryo.serializer.StateCodec(dev.cryo.sentry.checkpoint.SentryClasses.registry());
        return codec;
    }

    /** How long a freeze waits for every task to stop. */
    private static final long FREEZE_TIMEOUT_MILLIS = 10_000;

    /** Freezes every task (as SIGSTOP would, invisibly to the program); returns once all are frozen. */
    public void pause() {
        kernel.freeze(FREEZE_TIMEOUT_MILLIS);
    }

    /** Lets frozen tasks run again. */
    public void resume() {
        kernel.thaw();
    }

    /**
     * Sends {@code signal} to the sandbox's init, as kill(2) from outside its pid namespace
     * would: its handler runs, or its default action (SIGTERM, SIGINT... end the sandbox with
     * 128+signal). A paused sandbox gets it when resumed.
     */
    public void kill(int signal) {
        kernel.kill(signal);
    }

    /**
     * Freezes the sandbox, writes its image to {@code imageDir} (created; must not hold an
     * image already), then lets it run on ({@code leaveRunning}) or stops it, in which case
     * {@link #runToExit} returns {@link #CHECKPOINTED}. A paused sandbox stays paused.
     */
    public void checkpoint(java.nio.file.Path imageDir, boolean leaveRunning) throws java.io.IOException {
        checkpoint(Target.directory(imageDir), leaveRunning);
    }

    /**
     * Where a checkpoint goes: {@link #directory} or the snapshot store; returns what names the
     * image for the user (a snapshot id), or null.
     */
    @FunctionalInterface
    public interface Target {
        String save(Kernel frozen, dev.cryo.serializer.StateCodec codec) throws java.io.IOException;

        static Target directory(java.nio.file.Path imageDir) {
            return (k, codec) -> {
                Checkpointer.save(k, new ImageDirectory(imageDir), codec);
                return null;
            };
        }

        /** Into {@code store}, labelled {@code labels}; names the snapshot by its id. */
        static Target store(dev.cryo.store.Store store, dev.cryo.store.Labels labels, dev.cryo.store.Progress progress) {
            return (k, codec) -> {
                var r = dev.cryo.sentry.checkpoint.StoreSnapshots.save(k, store, labels, codec, progress);
                if (System.getenv("CRYO_TIMINGS") != null) {
                    System.err.printf("cryo: checkpoint timings: store %.1f ms, of which index %.1f ms (%d new chunks,"
                            + " %d of them a written slot's changed blocks, %d deduplicated, %d zero, %d of those unwritten"
                            + " since the last, %d bytes stored)%n", r.nanos() / 1e6, r.indexNanos() / 1e6, r.newChunks(),
                            r.changedBlockSlots(), r.dedupChunks(), r.zeroChunks(), r.unchangedChunks(), r.newStoredBytes());
                }
                return r.snapshot().id();
            };
        }
    }

    /** As {@link #checkpoint(java.nio.file.Path, boolean)}, to any target; returns the target's name for it. */
    public String checkpoint(Target target, boolean leaveRunning) throws java.io.IOException {
        long t0 = System.nanoTime();
        kernel.freeze(FREEZE_TIMEOUT_MILLIS);
        if (System.getenv("CRYO_TIMINGS") != null) {
            System.err.printf("cryo: checkpoint timings: freeze %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        }
        return saveFrozen(target, leaveRunning);
    }

    /** Saves the frozen kernel, then thaws it or stops it; undoes the caller's freeze either way. */
    private String saveFrozen(Target target, boolean leaveRunning) throws java.io.IOException {
        if (kernel.tasks().isEmpty()) {
            kernel.thaw();
            throw new IllegalStateException("the sandbox has exited: nothing to checkpoint");
        }
        boolean saved = false;
        try {
            String name = target.save(kernel, codec());
            saved = true;
            return name;
        } finally {
            if (saved && !leaveRunning) {
                kernel.stopFrozen();
            } else {
                kernel.thaw();
            }
        }
    }

    /**
     * Checkpoints the sandbox right after its {@code n}th system call from now, exactly there:
     * the task is asked to park before it runs another instruction, so the save point is
     * reproducible whatever the program (for tests). {@code atSavePoint} runs on the task's
     * thread at that moment; failures go to {@code onError}.
     */
    public void checkpointAfterSyscalls(long n, java.nio.file.Path imageDir, boolean leaveRunning,
            Runnable atSavePoint, java.util.function.Consumer<Exception> onError) {
        kernel.afterSyscalls(n, () -> {
            kernel.requestFreeze();
            atSavePoint.run();
            Thread t = new Thread(() -> {
                dev.cryo.platform.host.Host.unpinCurrentThread(); // made by a task's pinned thread
                try {
                    kernel.awaitFrozen(FREEZE_TIMEOUT_MILLIS);
                    saveFrozen(Target.directory(imageDir), leaveRunning);
                } catch (java.io.IOException | RuntimeException e) {
                    onError.accept(e);
                }
            }, "cryo-checkpoint-at-syscall");
            t.start();
        });
    }

    /**
     * Builds a sandbox from an image written by {@link #checkpoint}, in this process; run it
     * with {@link #runToExit}. A damaged image or a changed host file is an ImageException with
     * one clear message, before anything runs.
     */
    public static Sandbox restore(Platform platform, java.nio.file.Path imageDir, RestoreOptions options)
            throws ImageException {
        return restore(platform, (env, o) -> Restorer.load(new ImageDirectory(imageDir), env, o.acceptChangedFiles(), o.codec()),
                options);
    }

    /** Where a restore reads from: a directory image or the snapshot store. */
    @FunctionalInterface
    public interface Source {
        Restorer.Restored load(Kernel.RestoreEnv env, RestoreOptions options) throws ImageException;

        /** Snapshot {@code ref} (id, id prefix, name[:tag]) of {@code store}. */
        static Source store(dev.cryo.store.Store store, String ref) {
            return (env, o) -> dev.cryo.sentry.checkpoint.StoreSnapshots.load(store, ref, env, o.acceptChangedFiles(),
                    o.codec());
        }

        /** A snapshot opened beforehand by {@code StoreSnapshots.open}, {@code openNanos} spent on that; taken over. */
        static Source opened(dev.cryo.store.OpenSnapshot open, long openNanos) {
            return (env, o) -> dev.cryo.sentry.checkpoint.StoreSnapshots.load(open, openNanos, env,
                    o.acceptChangedFiles(), o.codec());
        }
    }

    /** As {@link #restore(Platform, java.nio.file.Path, RestoreOptions)}, from any source. */
    public static Sandbox restore(Platform platform, Source source, RestoreOptions options) throws ImageException {
        Kernel.RestoreEnv env = new Kernel.RestoreEnv(platform, new Dispatcher(options.table()), options.strace(),
                options.rootfs());
        Restorer.Restored r = source.load(env, options);
        Kernel kernel = r.kernel();
        // Pid 1's process; its main thread may have ended (pthread_exit) with others running on.
        var initProcess = kernel.process(1);
        Task init = initProcess == null || initProcess.zombie() || initProcess.threads().isEmpty()
                ? null : initProcess.threads().get(0);
        if (init == null) {
            kernel.memoryFile().close();
            kernel.vfs().close();
            throw new ImageException("the image has no init process (pid 1)");
        }
        Sandbox sb = new Sandbox(kernel, init, true);
        sb.restoreTimings = r;
        return sb;
    }

    /**
     * How to restore.
     *
     * @param acceptChangedFiles reopen host files even if their size or mtime changed
     * @param strace where to print syscalls, or null
     * @param table the syscall table (prebuilt, or {@link SyscallTable#standard()})
     * @param codec a state codec built beforehand (it takes tens of ms), or null
     * @param rootfs the host directory that is the restored sandbox's "/" (the image's is not trusted)
     */
    public record RestoreOptions(boolean acceptChangedFiles, PrintStream strace, SyscallTable table,
            dev.cryo.serializer.StateCodec codec, String rootfs) {
        public RestoreOptions(boolean acceptChangedFiles, PrintStream strace, SyscallTable table) {
            this(acceptChangedFiles, strace, table, null, "/");
        }
    }

    /**
     * With CRYO_TIMINGS set, the restore's breakdown on stderr: JVM start (process start to
     * main), then each step, in ms. For the benchmarks.
     */
    private void printTimings(long resumeNanos) {
        long jvm = millisSinceProcessStart();
        Restorer.Restored r = restoreTimings;
        System.err.printf("cryo: restore timings: since process start %d ms; image check %.1f ms, graph load %.1f ms,"
                + " memory check %.1f ms, host files %.1f ms, resume %.1f ms%n", jvm, r.checkNanos() / 1e6,
                r.graphNanos() / 1e6, r.memoryNanos() / 1e6, r.filesNanos() / 1e6, resumeNanos / 1e6);
    }

    /**
     * Milliseconds since this process started, from /proc/uptime and /proc/self/stat (10 ms
     * resolution); ProcessHandle's start instant is only as good as the boot time's second.
     */
    private static long millisSinceProcessStart() {
        try {
            String up = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime")).split(" ")[0];
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(f[19]); // field 22, starttime, in clock ticks (USER_HZ 100)
            return Math.round(Double.parseDouble(up) * 1000) - startTicks * 10;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Writes which unimplemented syscalls the program called, if any. */
    public void reportEnosys(PrintStream out) {
        Map<Long, Long> counts = kernel.stats().enosys();
        if (counts.isEmpty()) return;
        StringBuilder sb = new StringBuilder("cryo: unsupported system calls (returned ENOSYS):");
        counts.forEach((nr, n) -> {
            // Numbers with bit 30 set are i386 calls made with int $0x80 (see TaskRunner).
            String name = nr >= 0x4000_0000L ? "i386 syscall " + (nr & 0xffff) : Sysno.name(nr) + "(" + nr + ")";
            sb.append(' ').append(name).append(" x").append(n);
        });
        out.println(sb);
    }

    @Override
    public void close() {
        kernel.closeSpareStubs();
        kernel.memoryFile().close();
        kernel.vfs().close();
    }
}
