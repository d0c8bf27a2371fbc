package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.compat.Differential.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Issue #5, signals: static C programs (src/test/c/sig_*.c) that install handlers, take
 * faults, block, queue, wait for and time signals print what they observe; natively and under
 * cryo (and in the checkpoint and leave-running variants) the outputs and statuses match.
 */
class SignalsTest {
    private static Pair same(String name, String... argv) {
        return Differential.same(Program.of(name, argv), STDOUT_AND_STDERR, NONE);
    }

    /** Handlers with siginfo, masks, pending and queued signals, SA_NODEFER/RESETHAND, sigsuspend, sigtimedwait, errnos. */
    @Test
    void handlersMasksAndQueues() {
        Pair p = same("sig-basic", CompatEnv.compiled("sig_basic"));
        assertTrue(p.nativeRun().stdoutText().endsWith("done\n"));
    }

    /** rt_sigreturn restores general, SSE/AVX registers and MXCSR, after raised and timer signals. */
    @Test
    void sigreturnRestoresRegistersAndFpState() {
        Pair p = same("sig-fpregs", CompatEnv.compiled("sig_fpregs"));
        assertTrue(p.nativeRun().stdoutText().contains("sync: 0 bad\n"), p.nativeRun().stdoutText());
        assertTrue(p.nativeRun().stdoutText().contains("async: 0 bad, ticks enough\n"));
    }

    /** SIGSEGV (both codes), SIGFPE, SIGTRAP, SIGILL to handlers that siglongjmp; stack overflow onto sigaltstack. */
    @Test
    void faultsReachHandlers() {
        Pair p = same("sig-fault", CompatEnv.compiled("sig_fault"));
        assertTrue(p.nativeRun().stdoutText().contains("overflow: sig 11 code 1 on_alt 1"));
    }

    /** alarm, setitimer, timer_create, sleeps interrupted with EINTR. */
    @Test
    void timers() {
        Pair p = same("sig-timers", CompatEnv.compiled("sig_timers"));
        assertTrue(p.nativeRun().stdoutText().endsWith("done\n"));
    }

    /** A blocked read of stdin (an idle pipe): EINTR without SA_RESTART, restarted with it. */
    @Test
    void stdinReadInterruptedOrRestarted() {
        Pair p = Differential.same(Program.of("sig-stdin", CompatEnv.compiled("sig_stdin")).withIdleStdin(),
                STDOUT_AND_STDERR, NONE);
        assertTrue(p.nativeRun().stdoutText().contains("without SA_RESTART: read = -1 EINTR, alarms 1\n"));
        assertEquals(0, p.nativeRun().status());
    }

    /**
     * Default actions: the exit status is the signal's (with the core flag where Linux sets it), or
     * the program goes on. (No SIGQUIT case: the harness's native runs inherit it ignored from the
     * JVM, while a sandbox starts with default dispositions.)
     */
    @ParameterizedTest
    @CsvSource({"abort, 134", "term, 143", "usr1, 138", "rt, 165", "kill, 137", "blocked-segv, 139",
            "ignored-fpe, 136", "ignored-raise, 3", "no-restorer, 139", "stop-cont, 3"})
    void defaultActions(String mode, int status) {
        Pair p = same("sig-death-" + mode, CompatEnv.compiled("sig_death"), mode);
        assertEquals(status, p.nativeRun().status());
    }
}
