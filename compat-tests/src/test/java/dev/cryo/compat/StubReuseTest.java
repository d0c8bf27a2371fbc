package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A forked child runs on the stub of a process that exited before it (the kernel's stub pool),
 * correctly, and no stub outlives its sandbox. Watched from the host: the stubs are this JVM's
 * child processes.
 */
class StubReuseTest {
    private static final String BUSYBOX = "/bin/busybox";

    private static Set<Long> stubs() {
        Set<Long> out = ConcurrentHashMap.newKeySet();
        ProcessHandle.current().children().forEach(p -> out.add(p.pid()));
        return out;
    }

    @Test
    void childrenReuseExitedStubsAndNoneOutlivesTheSandbox() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX);
        Set<Long> before = stubs();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        Thread watch = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (long p : stubs()) if (!before.contains(p)) seen.add(p);
                Thread.onSpinWait();
            }
        });
        watch.setDaemon(true);
        watch.start();
        // Twenty children one after the other, each checking its own status.
        String script = "n=0; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "
                + "/bin/busybox sh -c 'exit 3'; [ $? = 3 ] && n=$((n+1)); done; exit $n";
        int status;
        try (Sandbox sb = Sandbox.create(PtracePlatform.create(), new SandboxConfig("/",
                List.of(BUSYBOX, "sh", "-c", script), SandboxConfig.environment(List.of()), "/", null))) {
            status = sb.runToExit();
        }
        assertTrue(!Thread.currentThread().isInterrupted(), "the kernel's kicks of init's thread end with it");
        watch.interrupt();
        watch.join();
        assertEquals(20, status, "every child ran and reported its status");
        assertTrue(seen.size() <= 5, "20 children on " + seen.size() + " stubs (the shell's, kept ones)");
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline && !before.containsAll(stubs())) Thread.sleep(20);
        Set<Long> left = stubs();
        left.removeAll(before);
        assertEquals(Set.of(), left, "no stub outlives its sandbox");
    }
}
