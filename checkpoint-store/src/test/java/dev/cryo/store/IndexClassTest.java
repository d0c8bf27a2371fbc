package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class Chronicle would compile with javac at the first open in each JVM is made at build
 * time (src/build/GenerateIndexClass.java) and is the one Chronicle uses.
 */
class IndexClassTest {
    private static final String NATIVE = "net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native";

    @TempDir
    java.nio.file.Path dir;

    @Test
    void theGeneratedClassComesFromThisModulesBuildNotFromJavacAtRunTime() throws Exception {
        URL made = ChunkIndex.class.getResource("/" + NATIVE.replace('.', '/') + ".class");
        assertNotNull(made, "the build made no " + NATIVE);
        URL ours = ChunkIndex.class.getProtectionDomain().getCodeSource().getLocation();
        assertEquals(ours.toString(), made.toString().substring(0, ours.toString().length()),
                "found in this module's classes");
        // Opening a map loads that very class (a class compiled at run time has no code source).
        try (ChunkIndex ix = ChunkIndex.acquire(dir, List::of, 0, null)) {
            Class<?> c = Class.forName(NATIVE, false, ChunkIndex.class.getClassLoader());
            assertNotNull(c.getProtectionDomain().getCodeSource(), "loaded from the class path");
            assertEquals(ours, c.getProtectionDomain().getCodeSource().getLocation());
        }
    }
}
