package dev.cryo.platform.systrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed StubCode.java is what gen-systrap-stub makes of systrap-stub.S (where binutils are installed). */
class StubCodeTest {
    @Test
    void generatedCodeMatchesTheAssemblySource(@TempDir Path tmp) throws Exception {
        Path script = Path.of("src/main/asm/gen-systrap-stub").toAbsolutePath();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/as")) && Files.isExecutable(Path.of("/usr/bin/ld")),
                "binutils not installed");
        Path out = tmp.resolve("StubCode.java");
        Process p = new ProcessBuilder(script.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(60, TimeUnit.SECONDS), log);
        assertEquals(0, p.exitValue(), log);
        assertEquals(Files.readString(Path.of("src/main/java/dev/cryo/platform/systrap/StubCode.java")), Files.readString(out),
                "StubCode.java is stale: run platform/src/main/asm/gen-systrap-stub");
    }
}
