package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.compat.Differential.Pair;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue #2: system calls with garbage arguments (NULL and wild pointers, huge lengths, bad fds,
 * unaligned addresses, unknown flags) return exactly the errors Linux returns, and the program
 * goes on. Every call in garbage.c is harmless natively, so both runs are compared.
 */
class GarbageArgumentsTest {
    @Test
    void garbageArgumentsGiveLinuxErrors() {
        Pair p = Differential.same(Program.of("c-garbage", CompatEnv.compiled("garbage")), STDOUT_AND_STDERR, NONE);
        assertTrue(p.nativeRun().stdoutText().endsWith("still here\n"));
    }

    // pending: wait4 and poll come with processes and polling (issue 5)
    @Tag("pending")
    @Test
    void garbageArgumentsToWaitingCalls() {
        Pair p = Differential.same(Program.of("c-garbage-wait", CompatEnv.compiled("garbage_wait")), STDOUT_AND_STDERR, NONE);
        assertTrue(p.nativeRun().stdoutText().endsWith("still here\n"));
    }
}
