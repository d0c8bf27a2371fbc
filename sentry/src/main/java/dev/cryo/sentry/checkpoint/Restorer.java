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
    private static final int CHUNK = 1 << 30;

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
        long t1 = System.nanoTime();
        Kernel k;
        try {
            StateCodec kc = codec != null ? codec : new StateCodec(SentryClasses.registry());
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

    private static void fill(MemoryFile mf, ImageStore.Contents c) throws ImageException {
        int in;
        try {
            in = Host.openat(-100, c.pages().toString(), 0 /* O_RDONLY */ | 02000000 /* O_CLOEXEC */, 0);
        } catch (HostException e) {
            throw new ImageException(c.pages() + ": " + e.getMessage(), e);
        }
        try {
            int i = 0;
            for (PageRun r : c.runs()) {
                if (!mf.isAllocated(r.fileOffset(), r.length())) {
                    throw new ImageException(c.pages() + ": page run " + i + " lies outside the sandbox's memory");
                }
                // A copy inside the host kernel into the memory file, then the check through the
                // Sentry's mapping of it.
                Host.lseek(mf.fd(), r.fileOffset(), 0 /* SEEK_SET */);
                try {
                    Host.sendfile(mf.fd(), in, r.dataOffset(), r.length());
                } catch (HostException e) {
                    throw new ImageException(c.pages() + ": page run " + i + " cannot be read (truncated image?)", e);
                }
                CRC32C crc = new CRC32C();
                for (long done = 0; done < r.length(); done += CHUNK) {
                    int n = (int) Math.min(CHUNK, r.length() - done);
                    crc.update(Host.directBuffer(mf.address(r.fileOffset() + done), n));
                }
                if ((int) crc.getValue() != r.crc()) {
                    throw new ImageException(c.pages() + ": page run " + i + " checksum mismatch (corrupt image)");
                }
                i++;
            }
        } finally {
            Host.close(in);
        }
    }
}
