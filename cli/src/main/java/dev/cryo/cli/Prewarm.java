package dev.cryo.cli;

import dev.cryo.sentry.checkpoint.SentryClasses;
import dev.cryo.sentry.syscalls.SyscallTable;
import dev.cryo.serializer.ClassRegistry;
import dev.cryo.serializer.StateCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Builds what every sandbox needs (the syscall table, the native layer, the Sentry's classes, and
 * for a restore the state codec) on other threads while the main thread parses the command line
 * and starts the platform: start-up is most of the cost of a short {@code cryo run} or
 * {@code cryo restore}, and the machine has more than one core. Only pure, immutable work
 * happens here; nothing that a tracer thread must own (stubs) is touched.
 */
final class Prewarm {
    private static final String[] CLASSES = {
        "dev.cryo.platform.host.Host", "dev.cryo.platform.ptrace.PtracePlatform", "dev.cryo.platform.systrap.SystrapPlatform",
        "dev.cryo.sentry.kernel.Kernel", "dev.cryo.sentry.kernel.Task", "dev.cryo.sentry.kernel.TaskRunner",
        "dev.cryo.sentry.mm.MemoryManager", "dev.cryo.sentry.mm.VmaOps", "dev.cryo.sentry.mm.Usermem",
        "dev.cryo.sentry.memory.MemoryFile", "dev.cryo.sentry.loader.ElfLoader",
        "dev.cryo.sentry.fs.Filesystems", "dev.cryo.sentry.fs.host.HostFilesystem",
        "dev.cryo.sentry.fs.host.HostStdio", "dev.cryo.sentry.vfs.VirtualFilesystem",
    };

    private final CompletableFuture<SyscallTable> table = new CompletableFuture<>();
    private final CompletableFuture<ClassRegistry> registry = new CompletableFuture<>();
    private final CompletableFuture<StateCodec> codec = new CompletableFuture<>();
    /** Whether a restore or a checkpoint will need the state codec. */
    private final boolean needsCodec;
    /** Whether the codec is for checkpoints only (see {@link #start(boolean, boolean)}). */
    private final boolean forLater;

    private Prewarm(boolean needsCodec, boolean forLater) {
        this.needsCodec = needsCodec;
        this.forLater = forLater;
    }

    /**
     * Starts the work. {@code needsCodec}: a restore or a sandbox's checkpoints will need the
     * state codec; it is built on a thread of its own, beside the table's: each takes tens of ms,
     * a restore needs both before it can read the image, and the main thread has only the
     * platform to start and the fingerprint to take meanwhile. {@code forLater}: the codec serves
     * checkpoints only, so all its serializers are made now, off the checkpoint's path (a restore
     * makes those it needs as it reads: sooner than making all of them first).
     */
    static Prewarm start(boolean needsCodec, boolean forLater) {
        Prewarm p = new Prewarm(needsCodec, forLater);
        daemon(p::warmTable, "cryo-prewarm");
        if (needsCodec) daemon(p::warmCodec, "cryo-prewarm-codec");
        return p;
    }

    private static void daemon(Runnable work, String name) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
    }

    private void warmTable() {
        if (!needsCodec) {
            registry.complete(null);
            codec.complete(null);
        }
        try {
            table.complete(SyscallTable.standard());
            ClassLoader cl = Prewarm.class.getClassLoader();
            for (String c : CLASSES) Class.forName(c, true, cl);
        } catch (Throwable e) {
            table.completeExceptionally(e); // the main thread builds it then, and reports
        }
    }

    private void warmCodec() {
        try {
            ClassRegistry r = SentryClasses.registry();
            registry.complete(r);
            StateCodec sc = new StateCodec(r);
            if (forLater) sc.prepareAll();
            codec.complete(sc);
        } catch (Throwable e) {
            registry.complete(null);
            codec.complete(null); // the restore makes its own, and reports
        }
    }

    /**
     * Computes the layout fingerprint a restore compares with the image's first (reflection over
     * every saved class, ~13 ms), on the calling thread while the codec is still being built.
     */
    void fingerprint() {
        try {
            ClassRegistry r = registry.get();
            if (r != null) r.fingerprint(); // kept by the registry for the restore
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the restore computes it and reports
        }
    }

    /** The state codec for a restore, or null (the restore then makes its own). */
    StateCodec codec() {
        try {
            return codec.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** The syscall table, built here or, if that failed, now. */
    SyscallTable table() {
        try {
            return table.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SyscallTable.standard();
        } catch (ExecutionException e) {
            return SyscallTable.standard();
        }
    }
}
