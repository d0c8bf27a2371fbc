package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #2: 20,000 seeded pseudo-random system calls with garbage arguments, implemented and
 * unimplemented numbers and calls the sandbox refuses (stress.c says which are left out and
 * why). Under cryo only: the Sentry must survive, the program must reach its last line, and
 * cryo must exit with the program's status (23).
 */
class SyscallStressTest {
    static final int CALLS = 20_000;

    @Test
    void sentrySurvivesRandomSyscalls() {
        // Never natively: run as root on the host, random calls damaged host files once (see stress.c).
        assumeFalse(Runner.cryoIsNative(), "the stress program must never run outside a sandbox");
        for (String seed : List.of("1", "2")) {
            Path cwd = CompatEnv.work().resolve("stress-cwd-" + seed);
            try {
                Files.createDirectories(cwd);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Program p = Program.of("c-stress-" + seed, CompatEnv.compiled("stress"), seed,
                    Integer.toString(CALLS), "with-refused").in(cwd).withEnv("CRYO_COMPAT_SANDBOXED=1");
            Outcome o = Runner.runCryo(p);
            Differential.assertStatus(23, o);
            String out = o.stdoutText();
            assertTrue(out.startsWith("stress: seed " + seed + ", " + CALLS + " calls")
                    && out.endsWith("stress: reached the end\n"), () -> "stdout: " + out + "\n" + o.summary());
        }
    }
}
