package dev.cryo.sentry.checkpoint;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.sentry.memory.MemoryLoader;
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
     * after-load hooks), memory check (the load goes on in the background), host file checks.
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
        return load(dir.toString(), c.kernelState(), c.layout(), mf -> fill(mf, c), env, acceptChangedFiles, codec, t0);
    }

    /** Fills a restored kernel's new memory file with the image's pages (or starts to: see MemoryLoader). */
    @FunctionalInterface
    interface MemoryFill {
        void fill(MemoryFile mf) throws ImageException;
    }

    /**
     * The restore proper, whatever the image's container: {@code state} (the graph) written with
     * layout {@code imageLayout}, its memory put in place by {@code memory}. {@code t0} is when
     * reading the image began, for the timings.
     */
    static Restored load(String what, byte[] state, String imageLayout, MemoryFill memory, Kernel.RestoreEnv env,
            boolean acceptChangedFiles, StateCodec codec, long t0) throws ImageException {
        StateCodec kc = codec != null ? codec : new StateCodec(SentryClasses.registry());
        String layout = kc.registry().fingerprint();
        if (!layout.equals(imageLayout)) {
            throw new ImageException(what + ": written by a Cryo with another kernel state layout (image "
                    + (imageLayout.isEmpty() ? "unknown" : imageLayout) + ", this Cryo " + layout
                    + "); restore it with the Cryo that made it");
        }
        long t1 = System.nanoTime();
        Kernel k;
        try {
            k = kc.load(state, Kernel.class, env);
        } catch (RuntimeException e) {
            throw new ImageException(what + ": kernel state cannot be rebuilt: " + e.getMessage(), e);
        }
        long t2 = System.nanoTime(), t3;
        try {
            memory.fill(k.memoryFile());
            t3 = System.nanoTime();
            ImageChecks.check(k, acceptChangedFiles);
        } catch (ImageException | RuntimeException e) {
            k.memoryFile().close();
            k.vfs().close();
            if (e instanceof ImageException ie) throw ie;
            throw new ImageException(what + ": " + e.getMessage(), e);
        }
        return new Restored(k, t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3);
    }

    /** Runs are checksummed through one mapping of at most this many bytes at a time. */
    private static final long WINDOW = 1L << 30;

    /**
     * Checks every page run against the image (inside the sandbox's memory, inside the page
     * file, its checksum) and hands the memory file a loader that fills it in the background:
     * the sandbox may run before its memory is all in, and nothing it could read is unchecked.
     * Checking first costs one pass over the page file (a mapping and CRC32C, several GB/s);
     * the copy, which costs more, happens while the program runs.
     */
    private static void fill(MemoryFile mf, ImageStore.Contents c) throws ImageException {
        int in;
        try {
            in = Host.openat(-100, c.pages().toString(), 0 /* O_RDONLY */ | 02000000 /* O_CLOEXEC */, 0);
        } catch (HostException e) {
            throw new ImageException(c.pages() + ": " + e.getMessage(), e);
        }
        boolean handedOver = false;
        try {
            long size = Host.lseek(in, 0, 2 /* SEEK_END */);
            int n = c.runs().size();
            long[] off = new long[n], len = new long[n], data = new long[n];
            long lastEnd = 0;
            for (int i = 0; i < n; i++) {
                PageRun r = c.runs().get(i);
                if (!mf.isAllocated(r.fileOffset(), r.length()) || r.fileOffset() < lastEnd) {
                    throw new ImageException(c.pages() + ": page run " + i + " lies outside the sandbox's memory");
                }
                if (r.dataOffset() < 0 || r.length() > size || r.dataOffset() > size - r.length()) {
                    throw new ImageException(c.pages() + ": page run " + i + " lies past the end of the file (truncated image?)");
                }
                if (crc(in, r) != r.crc()) {
                    throw new ImageException(c.pages() + ": page run " + i + " checksum mismatch (corrupt image)");
                }
                off[i] = r.fileOffset();
                len[i] = r.length();
                data[i] = r.dataOffset();
                lastEnd = r.fileOffset() + r.length();
            }
            if (n > 0) {
                mf.startLoading(MemoryLoader.ofPageFile(c.pages().toString(), in, mf.fd(), off, len, data));
                handedOver = true;
            }
        } catch (HostException e) {
            throw new ImageException(c.pages() + ": " + e.getMessage(), e);
        } finally {
            if (!handedOver) Host.close(in);
        }
    }

    /** The CRC32C of a run's bytes in the page file, read through a read-only mapping. */
    private static int crc(int in, PageRun r) {
        CRC32C crc = new CRC32C();
        for (long done = 0; done < r.length(); done += WINDOW) {
            long at = r.dataOffset() + done;
            long pageStart = at & ~(MemoryFile.PAGE - 1);
            long n = Math.min(WINDOW, r.length() - done);
            long mapLen = n + (at - pageStart);
            long base = Host.mmap(0, mapLen, 1 /* PROT_READ */, 0x02 | 0x8000 /* MAP_PRIVATE | MAP_POPULATE */, in, pageStart);
            try {
                crc.update(Host.directBuffer(base + (at - pageStart), (int) n));
            } finally {
                Host.munmap(base, mapLen);
            }
        }
        return (int) crc.getValue();
    }
}
