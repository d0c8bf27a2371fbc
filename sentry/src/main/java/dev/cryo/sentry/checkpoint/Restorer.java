package dev.cryo.sentry.checkpoint;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.serializer.ImageException;
import dev.cryo.serializer.StateCodec;
import java.util.zip.CRC32C;

/**
 * Reads an image directory back into a kernel, in a new process (issue #3): checks the image,
 * builds the object graph (its after-load hooks make a new memory file and rebuild host state),
 * fills the memory file from the saved pages, checking each run's CRC, and checks that the host
 * files the program had open are the ones it had. Anything wrong is one ImageException before any
 * application code runs; what was built is released.
 */
public final class Restorer {

    private Restorer() {}

    /**
     * A restored kernel and how long each step took, in ns: image check, graph load (with
     * after-load hooks), memory load, host file checks.
     */
    public record Restored(Kernel kernel, long checkNanos, long graphNanos, long memoryNanos, long filesNanos) {}

    public static Restored load(ImageStore dir, Kernel.RestoreEnv env, boolean acceptChangedFiles) throws ImageException {
        return load(dir, env, acceptChangedFiles, null);
    }

    /** As above, with a codec over {@link SentryClasses#registry()} built beforehand (null: make one). */
    public static Restored load(ImageStore dir, Kernel.RestoreEnv env, boolean acceptChangedFiles, StateCodec codec)
            throws ImageException {
        long t0 = System.nanoTime();
        ImageStore.Contents c = dir.read();
        StateCodec kc = codec != null ? codec : new StateCodec(SentryClasses.registry());
        String layout = kc.registry().fingerprint();
        if (!layout.equals(c.layout())) {
            throw new ImageException(dir + ": written by a Cryo with another kernel state layout (image "
                    + (c.layout().isEmpty() ? "unknown" : c.layout()) + ", this Cryo " + layout + "); restore it with the Cryo that made it");
        }
        long t1 = System.nanoTime();
        Kernel k;
        try {
            k = kc.load(c.kernelState(), Kernel.class, env);
        } catch (RuntimeException e) {
            throw new ImageException(dir + ": kernel state cannot be rebuilt: " + e.getMessage(), e);
        }
        long t2 = System.nanoTime(), t3;
        try {
            fill(k.memoryFile(), c);
            t3 = System.nanoTime();
            ImageChecks.check(k, acceptChangedFiles);
        } catch (ImageException | RuntimeException e) {
            k.memoryFile().close();
            k.vfs().close();
            if (e instanceof ImageException ie) throw ie;
            throw new ImageException(dir + ": " + e.getMessage(), e);
        }
        return new Restored(k, t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3);
    }

    /** The copy and the check of a run go in steps of this size, the check one step behind. */
    private static final long STEP = 16L << 20;

    /**
     * Copies each run into the memory file by sendfile (inside the host kernel) while a second
     * thread checksums what is already there, step by step behind it: the two together take
     * little more than the copy alone.
     */
    private static void fill(MemoryFile mf, ImageStore.Contents c) throws ImageException {
        int in;
        try {
            in = Host.openat(-100, c.pages().toString(), 0 /* O_RDONLY */ | 02000000 /* O_CLOEXEC */, 0);
        } catch (HostException e) {
            throw new ImageException(c.pages() + ": " + e.getMessage(), e);
        }
        java.util.concurrent.ExecutorService checker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cryo-restore-crc");
            t.setDaemon(true);
            return t;
        });
        try {
            int i = 0;
            for (PageRun r : c.runs()) {
                if (!mf.isAllocated(r.fileOffset(), r.length())) {
                    throw new ImageException(c.pages() + ": page run " + i + " lies outside the sandbox's memory");
                }
                CRC32C crc = new CRC32C();
                java.util.concurrent.Future<?> last = null;
                Host.lseek(mf.fd(), r.fileOffset(), 0 /* SEEK_SET */);
                for (long done = 0; done < r.length(); done += STEP) {
                    long n = Math.min(STEP, r.length() - done);
                    try {
                        Host.sendfile(mf.fd(), in, r.dataOffset() + done, n);
                    } catch (HostException e) {
                        throw new ImageException(c.pages() + ": page run " + i + " cannot be read (truncated image?)", e);
                    }
                    java.nio.ByteBuffer b = Host.directBuffer(mf.address(r.fileOffset() + done), (int) n);
                    last = checker.submit(() -> crc.update(b)); // in order: one thread
                }
                try {
                    if (last != null) last.get();
                } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                    throw new ImageException(c.pages() + ": page run " + i + " could not be checked", e);
                }
                if ((int) crc.getValue() != r.crc()) {
                    throw new ImageException(c.pages() + ": page run " + i + " checksum mismatch (corrupt image)");
                }
                i++;
            }
        } finally {
            checker.shutdownNow();
            Host.close(in);
        }
    }
}
