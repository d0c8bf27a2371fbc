package dev.cryo.cli;

import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import dev.cryo.sentry.syscalls.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Hidden: what the launcher runs once per build, under -XX:ArchiveClassesAtExit, so that the
 * class-data-sharing archive holds the classes of every path a user's command takes: a
 * {@code cryo run} as a user types it, then a sandbox made, checkpointed before it ran, restored
 * and run to its end.
 */
@Command(name = "cds-train", hidden = true)
final class CdsTrainCommand implements Callable<Integer> {
    @Parameters(arity = "1", paramLabel = "PROGRAM")
    String program;

    @Override
    public Integer call() throws Exception {
        Main.execute("run", "--no-enosys-report", "--", program);
        Path image = Files.createTempDirectory("cryo-train");
        try {
            SyscallTable table = SyscallTable.standard();
            try (Sandbox sb = Sandbox.create(PtracePlatform.create(),
                    new SandboxConfig("/", List.of(program), SandboxConfig.environment(List.of()), "/", null), table)) {
                sb.checkpoint(image.resolve("img"), false);
            }
            try (Sandbox sb = Sandbox.restore(PtracePlatform.create(), image.resolve("img"),
                    new Sandbox.RestoreOptions(false, null, table))) {
                return sb.runToExit();
            }
        } finally {
            try (var files = Files.walk(image)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
