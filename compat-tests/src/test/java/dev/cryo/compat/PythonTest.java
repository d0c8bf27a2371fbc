package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue #5 (python3): the host's dynamic python3 running programs of src/test/python, natively
 * and under cryo in the three variants of {@link Differential}; the threaded one also
 * checkpointed while its threads pass a token around.
 */
class PythonTest {
    private static Program script(String name, String... args) {
        String python = CompatEnv.python();
        Path file = Path.of("src/test/python", name + ".py").toAbsolutePath();
        String[] argv = new String[args.length + 2];
        argv[0] = python;
        argv[1] = file.toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        return Program.of("py-" + name.replace('_', '-'), argv);
    }

    @Test
    void threadsLocksQueuesEventsBarriers() {
        var p = Differential.same(script("threads_locks"), STDOUT_AND_STDERR, NONE);
        assertTrue(p.nativeRun().stdoutText().contains("total 24000"));
    }

    @Test
    void forkPipeSubprocessAndSignals() {
        var p = Differential.same(script("processes", CompatEnv.busybox()), STDOUT_AND_STDERR, NONE);
        assertTrue(p.nativeRun().stdoutText().contains("alarm [14]"));
    }

    @Test
    void stdlibModules() {
        var p = Differential.same(script("stdlib"), STDOUT_AND_STDERR, NONE);
        assertTrue(p.nativeRun().stdoutText().contains("(1000, 500500, 'row 999')"));
    }

    /**
     * asyncio (its loop wakes through a socket pair), asyncio subprocesses, streams over a
     * socket pair and multiprocessing's connection; checkpointed with a line in flight between
     * the two ends of the pair (~3,675 calls in), and while the children run.
     */
    @Test
    void asyncioOverSocketPairsAndSubprocesses() {
        Program p = script("asyncio_sockets", CompatEnv.busybox());
        var pair = Differential.same(p, STDOUT_AND_STDERR, NONE);
        assertTrue(pair.nativeRun().stdoutText().contains("('child 3', 3)"));
        Differential.sameAfterCheckpointsAt(p, 3675, 4300);
    }

    /** Four threads passing a token through queues (locks, condition variables: futexes). */
    @Test
    void threadsCheckpointedWhileTheyRun() {
        // python3 makes ~560 calls before the threads start and ~3,000 more while they run.
        Differential.sameAfterCheckpointsAt(script("threads_ckpt"), 900, 2000);
    }
}
