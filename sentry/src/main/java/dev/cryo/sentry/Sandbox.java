package dev.cryo.sentry;

import dev.cryo.platform.Platform;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.host.HostStdio;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.syscalls.Dispatcher;
import dev.cryo.sentry.syscalls.SyscallTable;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import java.io.PrintStream;
import java.util.Map;

/**
 * One sandbox: a kernel, its root filesystem and its first process. The entry point for the
 * CLI and the tests; runs the program on the calling thread.
 */
public final class Sandbox implements AutoCloseable {
    private final Kernel kernel;
    private final Task init;

    /** The program could not be started; {@link #exitStatus} is what docker run would return. */
    public static final class StartException extends RuntimeException {
        private final int exitStatus;

        StartException(String message, int exitStatus) {
            super(message);
            this.exitStatus = exitStatus;
        }

        public int exitStatus() {
            return exitStatus;
        }
    }

    private Sandbox(Kernel kernel, Task init) {
        this.kernel = kernel;
        this.init = init;
    }

    /** Builds the sandbox and loads its first program (without running it). */
    public static Sandbox create(Platform platform, SandboxConfig config) {
        return create(platform, config, SyscallTable.standard());
    }

    /** As {@link #create(Platform, SandboxConfig)}, with a table built beforehand (it is immutable). */
    public static Sandbox create(Platform platform, SandboxConfig config, SyscallTable table) {
        VirtualFilesystem vfs;
        try {
            vfs = Filesystems.hostRoot(config.rootfs());
        } catch (SyscallError e) {
            throw new StartException("root filesystem " + config.rootfs() + ": " + Errno.text(e.errno()), 125);
        }
        Kernel kernel = new Kernel(platform, vfs, new Dispatcher(table));
        kernel.setStrace(config.strace());
        String cwd;
        try {
            cwd = vfs.canonicalDirectory(config.cwd());
        } catch (SyscallError e) {
            vfs.close();
            throw new StartException("working directory " + config.cwd() + ": " + Errno.text(e.errno()), 125);
        }
        String program = config.argv().get(0);
        String path = ProgramLookup.resolve(vfs, cwd, program, config.getenv("PATH"));
        Task init;
        try {
            init = kernel.startInit(path, config.argv(), config.envp(), cwd, HostStdio::install);
        } catch (SyscallError e) {
            vfs.close();
            int status = e.errno() == Errno.ENOENT ? 127 : 126;
            String what = e.errno() == Errno.ENOEXEC ? "exec format error" : Errno.text(e.errno());
            throw new StartException(program + ": " + what, status);
        }
        return new Sandbox(kernel, init);
    }

    public Kernel kernel() {
        return kernel;
    }

    /** Runs the program until it exits; returns its status as a shell reports it. */
    public int runToExit() {
        int ws = init.run();
        int sig = ws & 0x7f;
        return sig == 0 ? (ws >> 8) & 0xff : 128 + sig;
    }

    /** Writes which unimplemented syscalls the program called, if any. */
    public void reportEnosys(PrintStream out) {
        Map<Long, Long> counts = kernel.stats().enosys();
        if (counts.isEmpty()) return;
        StringBuilder sb = new StringBuilder("cryo: unsupported system calls (returned ENOSYS):");
        counts.forEach((nr, n) -> {
            // Numbers with bit 30 set are i386 calls made with int $0x80 (see TaskRunner).
            String name = nr >= 0x4000_0000L ? "i386 syscall " + (nr & 0xffff) : Sysno.name(nr) + "(" + nr + ")";
            sb.append(' ').append(name).append(" x").append(n);
        });
        out.println(sb);
    }

    @Override
    public void close() {
        kernel.memoryFile().close();
        kernel.vfs().close();
    }
}
