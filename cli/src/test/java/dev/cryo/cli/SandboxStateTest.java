package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxStateTest {
    @TempDir
    Path dir;

    private static SandboxState running() {
        return new SandboxState("abc", new HostProcess(42, 7), SandboxState.Status.RUNNING, "2025-01-02T03:04:05Z",
                List.of("/bin/busybox", "echo", "two words"), null, null, null);
    }

    @Test
    void writesAndReadsBack() throws IOException {
        SandboxState s = running();
        s.write(dir);
        assertEquals(s, SandboxState.read(dir));
        SandboxState stopped = s.stopped(143, null);
        stopped.write(dir);
        assertEquals(stopped, SandboxState.read(dir));
        SandboxState cp = s.checkpointed("/images/one");
        cp.write(dir);
        assertEquals(cp, SandboxState.read(dir));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("state.json")), files.toList(), "the temporary file is renamed, not left");
        }
    }

    @Test
    void noFileIsNoState() throws IOException {
        assertNull(SandboxState.read(dir));
    }

    @Test
    void aDamagedFileIsAClearError() throws IOException {
        Files.writeString(dir.resolve("state.json"), "{\"id\":\"x\",\"status\":\"running\"");
        IOException e = assertThrows(IOException.class, () -> SandboxState.read(dir));
        assertTrue(e.getMessage().contains("state.json"), e.getMessage());
        Files.writeString(dir.resolve("state.json"), "{\"id\":\"x\",\"pid\":1,\"pidStartTime\":1,\"status\":\"dancing\","
                + "\"created\":\"\",\"command\":[]}");
        e = assertThrows(IOException.class, () -> SandboxState.read(dir));
        assertTrue(e.getMessage().contains("unknown status 'dancing'"), e.getMessage());
    }

    @Test
    void createdIsRfc3339() {
        assertTrue(SandboxState.now().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)"),
                SandboxState.now());
    }
}
