package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The task limit (issue #5): past it, fork fails with EAGAIN; zombies count until reaped. Only
 * under cryo (natively the program would fork up to the host's limit), in this JVM through the
 * Sentry's API, with a limit of 5 tasks.
 */
class ProcessLimitTest {
    @Test
    void forkFailsWithEagainPastTheLimitAndZombiesCount() {
        String prog = CompatEnv.compiled("proc_limit");
        try (Sandbox sb = Sandbox.create(PtracePlatform.create(),
                new SandboxConfig("/", List.of(prog), SandboxConfig.environment(List.of()), "/", null))) {
            sb.kernel().setMaxTasks(5);
            // init and 4 children; then EAGAIN (+1), zombies still count (+2), reaping makes room (+4)
            assertEquals(4 * 10 + 1 + 2 + 4, sb.runToExit());
        }
    }
}
