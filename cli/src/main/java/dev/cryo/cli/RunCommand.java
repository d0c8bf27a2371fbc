package dev.cryo.cli;

import dev.cryo.platform.PlatformException;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import dev.cryo.sentry.syscalls.SyscallTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cryo run [options] -- PROGRAM [ARGS...]}: runs PROGRAM in a new sandbox in the
 * foreground and exits with its status (128+N when signal N killed it, as shells report).
 * Status 125 means cryo itself failed, 126 that the program could not be executed, 127 that it
 * was not found (docker run's convention). With {@code -d} it starts the sandbox in a background
 * JVM instead ({@link Detach}), prints its id and exits 0; see {@code cryo ps}, {@code logs},
 * {@code wait}, {@code kill}.
 */
@Command(name = "run", description = "Run a program in a new sandbox, in the foreground (-d: in the background).",
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Option(names = "--rootfs", paramLabel = "DIR", description = "Root filesystem (default: the host's /, read-only).")
    String rootfs = "/";

    @Option(names = {"-e", "--env"}, paramLabel = "K=V", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--cwd", "--workdir"}, paramLabel = "DIR", description = "Working directory in the sandbox (default: /).")
    String cwd = "/";

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]",
            description = "Run as this user and group of the root filesystem's /etc/passwd and /etc/group, or by number (default: root).")
    String user;

    @Option(names = "--strace", description = "Print each system call with its arguments and result on stderr.")
    boolean strace;

    @Option(names = "--no-enosys-report", description = "Do not report unimplemented system calls at exit.")
    boolean noEnosysReport;

    @Option(names = {"-d", "--detach"}, description = "Run in the background; print the sandbox's id.")
    boolean detach;

    @Option(names = "--id", paramLabel = "NAME",
            description = "The detached sandbox's id (default: 12 random hex digits).")
    String id;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROGRAM [ARGS...]", description = "The program and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws IOException {
        if (detach) return detached();
        if (id != null) throw new CryoException("--id needs -d (a foreground sandbox has no id)");
        UserSpec u = user == null ? UserSpec.ROOT : UserSpec.parse(user, rootfs);
        SandboxConfig config = new SandboxConfig(rootfs, command, SandboxConfig.environment(environment(u)), cwd,
                strace ? System.err : null, u.uid(), u.gid());
        int status;
        SyscallTable table = Main.prewarm != null ? Main.prewarm.table() : SyscallTable.standard();
        try (Sandbox sandbox = Sandbox.create(Platforms.create(), config, table)) {
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

    /** The --env settings, after HOME from passwd for a --user that has one (docker's order: --env wins). */
    private List<String> environment(UserSpec u) {
        if (u.home() == null) return env;
        List<String> all = new ArrayList<>();
        all.add("HOME=" + u.home());
        all.addAll(env);
        return all;
    }

    /** Starts the sandbox in a background JVM with the same settings. */
    private int detached() throws IOException {
        UserSpec u = user == null ? UserSpec.ROOT : UserSpec.parse(user, rootfs);
        List<String> env = environment(u);
        SandboxConfig.environment(env); // a bad --env is refused here, not in the log
        if (id != null) StateDir.checkId(id);
        List<String> args = new ArrayList<>();
        args.add("--rootfs");
        args.add(Path.of(rootfs).toAbsolutePath().normalize().toString()); // the JVM runs in "/"
        args.add("--user");
        args.add(u.uid() + ":" + u.gid()); // resolved here: the host reads no passwd
        for (String kv : env) {
            args.add("--env");
            args.add(kv);
        }
        args.add("--cwd");
        args.add(cwd);
        if (strace) args.add("--strace");
        args.add("--store"); // where its host prepares to write snapshots
        args.add(SnapshotStore.dir(main.store).toString());
        args.add("--");
        args.addAll(command);
        return Detach.start(main.stateDir(), id, args, spec != null ? spec.commandLine().getOut() : main.quickOut(),
                spec != null ? spec.commandLine().getErr() : main.quickErr());
    }
}
