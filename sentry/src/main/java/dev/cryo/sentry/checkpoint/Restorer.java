package dev.cryo.sentry.checkpoint;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.serializer.ImageException;
import dev.cryo.serializer.StateCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
        try (FileChannel in = Checkpointer.openPages(c.pages())) {
            int i = 0;
            for (PageRun r : c.runs()) {
                if (!mf.isAllocated(r.fileOffset(), r.length())) {
                    throw new ImageException(c.pages() + ": page run " + i + " lies outside the sandbox's memory");
                }
                CRC32C crc = new CRC32C();
                for (long done = 0; done < r.length(); ) {
                    int n = (int) Math.min(CHUNK, r.length() - done);
                    ByteBuffer b = Host.directBuffer(mf.address(r.fileOffset() + done), n);
                    long at = r.dataOffset() + done;
                    while (b.hasRemaining()) {
                        if (in.read(b, at + b.position()) < 0) throw new ImageException(c.pages() + ": truncated");
                    }
                    b.flip();
                    crc.update(b);
                    done += n;
                }
                if ((int) crc.getValue() != r.crc()) {
                    throw new ImageException(c.pages() + ": page run " + i + " checksum mismatch (corrupt image)");
                }
                i++;
            }
        } catch (IOException e) {
            throw new ImageException(c.pages() + ": " + e.getMessage(), e);
        }
    }
}
