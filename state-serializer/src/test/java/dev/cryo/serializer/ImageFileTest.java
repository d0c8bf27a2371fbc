package dev.cryo.serializer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileTest {
    @TempDir
    Path dir;

    private static final Map<String, Long> CAPS = Map.of("kernel", 1L << 20, "meta", 4096L);

    private Path write() throws Exception {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("meta", "{\"v\":1}".getBytes());
        s.put("kernel", new byte[] {1, 2, 3, 4, 5});
        Path p = dir.resolve("kernel.img");
        ImageFile.write(p, s);
        return p;
    }

    @Test
    void roundTripsAndLeavesNoTemporaryFile() throws Exception {
        Path p = write();
        Map<String, byte[]> r = ImageFile.read(p, CAPS);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, r.get("kernel"));
        assertFalse(Files.exists(dir.resolve("kernel.img.tmp")));
    }

    private String refusal(byte[] bytes, Map<String, Long> caps) throws Exception {
        Path p = dir.resolve("bad.img");
        Files.write(p, bytes);
        return assertThrows(ImageException.class, () -> ImageFile.read(p, caps)).getMessage();
    }

    @Test
    void refusesBadMagicVersionChecksumTruncationAndOversize() throws Exception {
        byte[] good = Files.readAllBytes(write());
        byte[] b = good.clone();
        b[0] = 'X';
        assertTrue(refusal(b, CAPS).contains("bad magic"));
        b = good.clone();
        b[8] = 2;
        assertTrue(refusal(b, CAPS).contains("version 2"));
        b = good.clone();
        b[b.length - 1] ^= 1;
        assertTrue(refusal(b, CAPS).contains("checksum"));
        assertTrue(refusal(java.util.Arrays.copyOf(good, good.length - 2), CAPS).contains("outside the file"));
        assertTrue(refusal(java.util.Arrays.copyOf(good, 10), CAPS).contains("truncated"));
        assertTrue(refusal(good, Map.of("kernel", 2L, "meta", 4096L)).contains("exceeds its cap"));
        assertTrue(refusal(good, Map.of("kernel", 100L)).contains("unknown section"));
    }

    @Test
    void randomDamageIsAlwaysRefusedCleanly() throws Exception {
        byte[] good = Files.readAllBytes(write());
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 500; i++) {
            byte[] b = good.clone();
            b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
            Path p = dir.resolve("r.img");
            Files.write(p, b);
            assertThrows(ImageException.class, () -> ImageFile.read(p, CAPS));
        }
    }
}
