package dev.cryo.sentry.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.host.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background fill of a restored memory file: every access sees the saved bytes, whenever it comes. */
class MemoryLoaderTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** Three runs (one spanning many pieces) written at scattered offsets of an image file. */
    private record Image(Path file, long[] fileOffset, long[] length, long[] dataOffset, byte[][] contents) {}

    private Image image(MemoryFile mf, Random rnd) throws Exception {
        long[] len = {3 * MIB + 8192, 4096, 9 * MIB};
        long[] off = new long[3], data = new long[3];
        byte[][] contents = new byte[3][];
        var out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            off[i] = mf.allocate(len[i] + 4096) + 4096; // a gap before each run
            data[i] = out.size();
            contents[i] = new byte[(int) len[i]];
            rnd.nextBytes(contents[i]);
            out.write(contents[i]);
        }
        Path f = dir.resolve("pages.img");
        Files.write(f, out.toByteArray());
        return new Image(f, off, len, data, contents);
    }

    private static MemoryLoader loader(MemoryFile mf, Image img) {
        int in = Host.openat(-100, img.file().toString(), 02000000 /* O_RDONLY | O_CLOEXEC */, 0);
        return MemoryLoader.ofPageFile(img.file().toString(), in, mf.fd(), img.fileOffset(), img.length(), img.dataOffset());
    }

    @Test
    void accessesDuringTheLoadSeeTheSavedBytes() throws Exception {
        Random rnd = new Random(7);
        try (MemoryFile mf = new MemoryFile(1L << 32)) {
            Image img = image(mf, rnd);
            mf.startLoading(loader(mf, img));
            // Threads reading random spans at once, while the loader goes on.
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                Thread th = new Thread(() -> {
                    Random r = new Random(seed);
                    try {
                        for (int k = 0; k < 200; k++) {
                            int run = r.nextInt(3);
                            int at = r.nextInt(img.contents()[run].length);
                            int n = 1 + r.nextInt(Math.min(65536, img.contents()[run].length - at));
                            byte[] got = new byte[n];
                            mf.read(img.fileOffset()[run] + at, got, 0, n);
                            assertArrayEquals(java.util.Arrays.copyOfRange(img.contents()[run], at, at + n), got,
                                    "run " + run + " at " + at);
                        }
                    } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                    }
                });
                th.start();
                readers.add(th);
            }
            for (Thread th : readers) th.join();
            if (failed.get() != null) throw new AssertionError(failed.get());
            mf.awaitLoaded();
            for (int i = 0; i < 3; i++) {
                byte[] got = new byte[img.contents()[i].length];
                mf.read(img.fileOffset()[i], got, 0, got.length);
                assertArrayEquals(img.contents()[i], got, "run " + i);
            }
            // The gap before each run was never written: still zero.
            byte[] gap = new byte[4096];
            mf.read(img.fileOffset()[2] - 4096, gap, 0, gap.length);
            assertArrayEquals(new byte[4096], gap);
        }
    }

    /** fork's copy (which skips holes) during the load copies the saved bytes, not the holes still to be filled. */
    @Test
    void aPopulatedCopyDuringTheLoadSeesTheSavedBytes() throws Exception {
        try (MemoryFile mf = new MemoryFile(1L << 32)) {
            Image img = image(mf, new Random(11));
            mf.startLoading(loader(mf, img));
            long to = mf.allocate(img.length()[2]);
            mf.copyPopulated(img.fileOffset()[2], to, img.length()[2]);
            byte[] got = new byte[(int) img.length()[2]];
            mf.read(to, got, 0, got.length);
            assertArrayEquals(img.contents()[2], got);
        }
    }

    /** A range freed (or zeroed) while the load goes on is not filled again behind the program's back. */
    @Test
    void releasedAndZeroedRangesStayAsTheProgramLeftThem() throws Exception {
        try (MemoryFile mf = new MemoryFile(1L << 32)) {
            Image img = image(mf, new Random(3));
            mf.startLoading(loader(mf, img));
            mf.zero(img.fileOffset()[2] + MIB, 2 * MIB);
            mf.release(img.fileOffset()[0], img.length()[0]);
            long again = mf.allocate(img.length()[0]);
            assertEquals(img.fileOffset()[0], again, "first fit hands the freed range out again");
            mf.awaitLoaded();
            byte[] got = new byte[(int) img.length()[0]];
            mf.read(img.fileOffset()[0], got, 0, got.length);
            assertArrayEquals(new byte[got.length], got, "a released range is zero when handed out again");
            byte[] zeroed = new byte[(int) (2 * MIB)];
            mf.read(img.fileOffset()[2] + MIB, zeroed, 0, zeroed.length);
            assertArrayEquals(new byte[zeroed.length], zeroed);
        }
    }

    /** Closing the file (the sandbox ends) in the middle of the load stops it without harm. */
    @Test
    void closingDuringTheLoadStopsIt() throws Exception {
        for (int i = 0; i < 20; i++) {
            MemoryFile mf = new MemoryFile(1L << 32);
            MemoryLoader l = loader(mf, image(mf, new Random(i)));
            mf.startLoading(l);
            mf.close();
            assertTrue(l.finishedNanos() == -1 || l.finishedNanos() > 0);
        }
    }
}
