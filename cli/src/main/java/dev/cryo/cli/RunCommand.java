package dev.cryo.cli;

import dev.cryo.platform.PlatformException;
import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import dev.cryo.sentry.syscalls.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cryo run [options] -- PROGRAM [ARGS...]}: runs PROGRAM in a new sandbox in the
 * foreground and exits with its status (128+N when signal N killed it, as shells report).
 * Status 125 means cryo itself failed, 126 that the program could not be executed, 127 that it
 * was not found (docker run's convention).
 */
@Command(name = "run", description = "Run a program in a new sandbox, in the foreground.",
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Option(names = "--rootfs", paramLabel = "DIR", description = "Root filesystem (default: the host's /, read-only).")
    String rootfs = "/";

    @Option(names = "--env", paramLabel = "K=V", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory in the sandbox (default: /).")
    String cwd = "/";

    @Option(names = "--strace", description = "Print each system call with its arguments and result on stderr.")
    boolean strace;

    @Option(names = "--no-enosys-report", description = "Do not report unimplemented system calls at exit.")
    boolean noEnosysReport;

    @Parameters(arity = "1..*", paramLabel = "PROGRAM [ARGS...]", description = "The program and its arguments.")
    List<String> command;

    @Override
    public Integer call() {
        SandboxConfig config = new SandboxConfig(rootfs, command, SandboxConfig.environment(env), cwd,
                strace ? System.err : null);
        int status;
        SyscallTable table = Main.prewarm != null ? Main.prewarm.table() : SyscallTable.standard();
        try (Sandbox sandbox = Sandbox.create(PtracePlatform.create(), config, table)) {
            status = sandbox.runToExit();
            if (!noEnosysReport) {
                sandbox.reportEnosys(System.err);
            }
        } catch (PlatformException e) {
            System.err.println("cryo: " + e.getMessage());
            return 125;
        } catch (Sandbox.StartException e) {
            System.err.println("cryo: " + e.getMessage());
            return e.exitStatus();
        }
        System.out.flush();
        return status;
    }
}
