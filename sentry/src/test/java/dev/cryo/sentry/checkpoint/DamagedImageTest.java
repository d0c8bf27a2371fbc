package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.dev.DevFile;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.ImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #3: a damaged image — flipped bytes, truncations, swapped sections, a format version
 * from the future — is refused with one clear ImageException, never another exception, a hang or
 * a half-built kernel (DESIGN.md rule 5).
 */
class DamagedImageTest {
    private static final String PROGRAM = "/bin/busybox";

    @TempDir
    Path dir;
    private Path good;
    private byte[] kernelImg;
    private byte[] pagesImg;

    @BeforeEach
    void saveAnImage() throws Exception {
        assumeTrue(new java.io.File(PROGRAM).canExecute(), "needs " + PROGRAM);
        Kernel k = new Kernel(new NoPlatform(), Filesystems.hostRoot("/"), null);
        try {
            Task t = k.startInit(PROGRAM, List.of("busybox", "true"), List.of("A=1"), "/", fds -> {
                DevFile nul = new DevFile(Device.NULL, OpenFlags.O_RDWR, "/dev/null");
                for (int fd = 0; fd < 3; fd++) fds.installAt(fd, nul, false);
            });
            MemoryManager mm = t.mm();
            long a = mm.mmap(0, 1 << 20, 3, 0x22, null, 0);
            byte[] junk = new byte[1 << 20];
            new Random(1).nextBytes(junk);
            mm.usermem().write(a, junk);
            good = dir.resolve("good");
            Checkpointer.save(k, new ImageDirectory(good));
        } finally {
            k.memoryFile().close();
            k.vfs().close();
        }
        kernelImg = Files.readAllBytes(good.resolve(ImageDirectory.KERNEL));
        pagesImg = Files.readAllBytes(good.resolve(ImageDirectory.PAGES));
    }

    private Path image(byte[] kernel, byte[] pages, String name) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.write(d.resolve(ImageDirectory.KERNEL), kernel);
        Files.write(d.resolve(ImageDirectory.PAGES), pages);
        return d;
    }

    /** Restores {@code d}: an ImageException, or a whole kernel (released again). */
    private static boolean refused(Path d) {
        try {
            Restorer.Restored r = Restorer.load(new ImageDirectory(d), new Kernel.RestoreEnv(new NoPlatform(), null, null), false);
            r.kernel().memoryFile().close();
            r.kernel().vfs().close();
            return false;
        } catch (ImageException e) {
            String m = e.getMessage();
            assertTrue(m != null && !m.isBlank() && !m.contains("\n"), "one clear line: " + m);
            return true;
        }
    }

    @Test
    void theGoodImageRestores() throws Exception {
        assertFalse(refused(good));
    }

    @Test
    void flippedBytesAnywhereAreRefused() throws Exception {
        Random rnd = new Random(200);
        for (int i = 0; i < 200; i++) {
            byte[] k = kernelImg.clone(), p = pagesImg.clone();
            boolean inKernel = i % 2 == 0;
            byte[] target = inKernel ? k : p;
            target[rnd.nextInt(target.length)] ^= (byte) (1 + rnd.nextInt(255));
            assertTrue(refused(image(k, p, "flip" + i)), "flip " + i + " in " + (inKernel ? "kernel.img" : "pages.img"));
        }
    }

    @Test
    void truncatedImagesAreRefused() throws Exception {
        Random rnd = new Random(50);
        for (int i = 0; i < 50; i++) {
            boolean inKernel = i % 2 == 0;
            byte[] k = inKernel ? java.util.Arrays.copyOf(kernelImg, rnd.nextInt(kernelImg.length)) : kernelImg;
            byte[] p = inKernel ? pagesImg : java.util.Arrays.copyOf(pagesImg, rnd.nextInt(pagesImg.length));
            assertTrue(refused(image(k, p, "cut" + i)), "truncation " + i);
        }
    }

    @Test
    void swappedSectionsAFutureVersionAndMissingFilesAreRefused() throws Exception {
        // Swap the contents of the "pages" and "kernel" sections, keeping the table: both CRCs fail.
        ByteBuffer b = ByteBuffer.wrap(kernelImg.clone()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] future = kernelImg.clone();
        ByteBuffer.wrap(future).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 99);
        assertTrue(refused(image(future, pagesImg, "future")));
        byte[] swapped = swapSections(b.array());
        assertTrue(refused(image(swapped, pagesImg, "swapped")));
        Path noKernel = dir.resolve("nokernel");
        Files.createDirectories(noKernel);
        Files.write(noKernel.resolve(ImageDirectory.PAGES), pagesImg);
        assertTrue(refused(noKernel));
        assertTrue(refused(dir.resolve("does-not-exist")));
        ImageException e = assertThrows(ImageException.class,
                () -> Restorer.load(new ImageDirectory(dir.resolve("future")), new Kernel.RestoreEnv(new NoPlatform(), null, null), false));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }

    /** A well-formed image from a build whose saved classes differ is refused by name, not misread. */
    @Test
    void anotherLayoutIsRefusedWithAClearMessage() throws Exception {
        java.util.Map<String, byte[]> sections = new java.util.LinkedHashMap<>(dev.cryo.serializer.ImageFile.read(
                good.resolve(ImageDirectory.KERNEL), java.util.Map.of("meta", 1L << 16, "pages", 1L << 28, "kernel", 1L << 30)));
        String meta = new String(sections.get("meta"), java.nio.charset.StandardCharsets.UTF_8)
                .replaceAll("layout=\\w+", "layout=0123456789abcdef01234567");
        sections.put("meta", meta.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path d = dir.resolve("other-layout");
        Files.createDirectories(d);
        dev.cryo.serializer.ImageFile.write(d.resolve(ImageDirectory.KERNEL), sections);
        Files.write(d.resolve(ImageDirectory.PAGES), pagesImg);
        ImageException e = assertThrows(ImageException.class,
                () -> Restorer.load(new ImageDirectory(d), new Kernel.RestoreEnv(new NoPlatform(), null, null), false));
        assertTrue(e.getMessage().contains("another kernel state layout"), e.getMessage());
    }

    /** The image with the bytes of its first two sections' data exchanged (their table kept). */
    private static byte[] swapSections(byte[] img) {
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getInt(12);
        assertEquals(3, count);
        int pos = 20;
        long[][] s = new long[count][2];
        for (int i = 0; i < count; i++) {
            int nameLen = b.getShort(pos) & 0xffff;
            pos += 2 + nameLen;
            s[i][0] = b.getLong(pos);
            s[i][1] = b.getLong(pos + 8);
            pos += 20;
        }
        // Rotate the data of the sections: each section's bytes move to the next one's place.
        byte[] out = img.clone();
        int shift = (int) (s[1][0] - s[0][0]);
        for (int i = (int) s[0][0]; i < img.length; i++) {
            out[i] = img[(int) s[0][0] + Math.floorMod(i - (int) s[0][0] + shift, img.length - (int) s[0][0])];
        }
        return out;
    }
}
