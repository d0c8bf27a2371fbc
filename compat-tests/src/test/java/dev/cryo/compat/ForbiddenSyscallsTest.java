package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

/**
 * Issue #2: calls a sandbox must refuse get an error and the program carries on. Under cryo
 * only — natively, as root, these calls would reach the host's kernel — so the output is
 * checked against the answers cryo promises (SysRefused: EPERM, as Linux gives a process
 * without the capability; numbers Linux does not define: ENOSYS).
 */
class ForbiddenSyscallsTest {
    static final String EXPECTED = """
            ptrace(PTRACE_TRACEME) = -1 EPERM
            mount(NULL, "/mnt", "tmpfs") = -1 EPERM
            reboot(bad magic) = -1 EPERM
            kexec_load(nothing) = -1 EPERM
            init_module(NULL, 0, "") = -1 EPERM
            syscall(1000) = -1 ENOSYS
            syscall(5000) = -1 ENOSYS
            syscall(-1) = -1 ENOSYS
            getpid() still works = 0
            reached the end
            """;

    @Test
    void refusedCallsFailAndTheProgramCarriesOn() {
        assumeFalse(Runner.cryoIsNative(), "never run natively: these calls would reach the host's kernel as root");
        Outcome o = Runner.runCryo(Program.of("c-forbidden", CompatEnv.compiled("forbidden")));
        String diff = OutputDiff.describe("stdout", "expected", EXPECTED.getBytes(), "cryo", o.stdoutBytes());
        assertEquals(null, diff, () -> diff + "\n" + o.summary());
        Differential.assertStatus(0, o);
        assertEquals("", o.stderrText(), () -> o.summary());
    }
}
