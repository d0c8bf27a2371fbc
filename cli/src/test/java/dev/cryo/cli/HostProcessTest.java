package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostProcessTest {
    @Test
    void thisJvmIsAliveUnderItsOwnStartTimeOnly() {
        HostProcess self = HostProcess.self();
        assertEquals(ProcessHandle.current().pid(), self.pid());
        assertTrue(self.alive());
        assertFalse(new HostProcess(self.pid(), self.startTime() + 1).alive(), "a reused pid is not our process");
    }

    @Test
    void anEndedProcessIsNotAlive() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        long start = HostProcess.startTime(p.pid());
        assertTrue(start >= 0 && new HostProcess(p.pid(), start).alive());
        p.destroyForcibly().waitFor();
        assertFalse(new HostProcess(p.pid(), start).alive());
        assertEquals(-1, HostProcess.startTime(p.pid()));
    }
}
