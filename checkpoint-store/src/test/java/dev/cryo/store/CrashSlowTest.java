package dev.cryo.store;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The count: 50 kills during checkpoints and 10 during gc (-Pslow; a few minutes). */
@Tag("slow")
class CrashSlowTest {
    @TempDir
    Path dir;

    @Test
    void fiftyKillsDuringCheckpointsAndTenDuringGc() throws Exception {
        CrashTest.run(dir, 50, 10, new Random());
    }
}
