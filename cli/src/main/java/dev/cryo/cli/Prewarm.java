package dev.cryo.cli;

import dev.cryo.sentry.checkpoint.SentryClasses;
import dev.cryo.sentry.syscalls.SyscallTable;
import dev.cryo.serializer.StateCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Builds what every sandbox needs (the syscall table, the native layer, the Sentry's classes) on
 * a second thread while the main thread parses the command line: start-up is most of the cost of
 * a short {@code cryo run}, and the machine has more than one core. Only pure, immutable work
 * happens here; nothing that a tracer thread must own (stubs) is touched.
 */
final class Prewarm {
    private static final String[] CLASSES = {
        "dev.cryo.platform.host.Host", "dev.cryo.platform.ptrace.PtracePlatform",
        "dev.cryo.sentry.kernel.Kernel", "dev.cryo.sentry.kernel.Task", "dev.cryo.sentry.kernel.TaskRunner",
        "dev.cryo.sentry.mm.MemoryManager", "dev.cryo.sentry.mm.VmaOps", "dev.cryo.sentry.mm.Usermem",
        "dev.cryo.sentry.memory.MemoryFile", "dev.cryo.sentry.loader.ElfLoader",
        "dev.cryo.sentry.fs.Filesystems", "dev.cryo.sentry.fs.host.HostFilesystem",
        "dev.cryo.sentry.fs.host.HostStdio", "dev.cryo.sentry.vfs.VirtualFilesystem",
    };

    private final CompletableFuture<SyscallTable> table = new CompletableFuture<>();
    private final CompletableFuture<StateCodec> codec = new CompletableFuture<>();
    /** Whether a restore will need the state codec. */
    private final boolean restoring;

    private Prewarm(boolean restoring) {
        this.restoring = restoring;
    }

    static Prewarm start(boolean restoring) {
        Prewarm p = new Prewarm(restoring);
        Thread t = new Thread(p::run, "cryo-prewarm");
        t.setDaemon(true);
        t.start();
        return p;
    }

    private void run() {
        try {
            table.complete(SyscallTable.standard());
            StateCodec sc = restoring ? new StateCodec(SentryClasses.registry()) : null;
            if (sc != null) sc.registry().fingerprint(); // a restore compares it with the image's first
            codec.complete(sc);
            ClassLoader cl = Prewarm.class.getClassLoader();
            for (String c : CLASSES) Class.forName(c, true, cl);
        } catch (Throwable e) {
            table.completeExceptionally(e); // the main thread builds it then, and reports
            codec.complete(null);
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
