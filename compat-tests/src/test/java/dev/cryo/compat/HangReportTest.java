package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A cryo run that outlives its timeout fails the test with where it was stuck: the JVM's
 * thread stacks and the state of each process under it, in {@code <variant>.hang.txt} beside
 * its output (a rare hang seen in CI could not be reproduced elsewhere; the next one will say
 * where it was).
 */
class HangReportTest {
    @Test
    void aRunThatTimesOutLeavesItsThreadsStacks() throws Exception {
        Program p = Program.of("hang-report", "/bin/sleep", "30").withTimeout(Duration.ofSeconds(4));
        AssertionError e = assertThrows(AssertionError.class, () -> Runner.runCryo(p));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        Path report = CompatEnv.work().resolve("runs").resolve("hang-report").resolve("cryo.hang.txt");
        String text = Files.readString(report);
        assertTrue(text.contains("\"main\"") && text.contains("java.lang.Thread.State"), text);
        assertTrue(text.contains("State:"), "the processes under the JVM: " + text);
    }
}
