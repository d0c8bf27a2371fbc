package dev.cryo.compat;

import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import dev.cryo.sentry.syscalls.SyscallTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A child process for the checkpoint tests, driving the Sentry's API directly (the CLI's
 * detached sandboxes are tested in cli): starts or restores a sandbox whose output is this
 * process's, lets it run, then checkpoints it and stops, or lets it finish.
 *
 * <pre>
 * run MILLIS IMAGE -- PROGRAM ARGS   start PROGRAM, checkpoint it into IMAGE after MILLIS ms
 * run-leave MILLIS IMAGE -- ...      the same, with --leave-running: the program then goes on
 * run-at N IMAGE CWD [K=V...] -- PROGRAM ARGS
 *                                    start PROGRAM in CWD with the environment K=V..., checkpoint
 *                                    it right after its Nth system call (if it makes that many)
 * run-at-leave N IMAGE CWD [K=V...] -- ...
 *                                    the same, leaving it running; the sizes of this process's
 *                                    stdout and stderr at the save point go to IMAGE.marks
 * restore IMAGE MILLIS NEXT          restore IMAGE; after MILLIS ms checkpoint into NEXT, or,
 *                                    with MILLIS = -1, run to the end
 * </pre>
 * Exits with the program's status, or 0 after a checkpoint that stopped it. With
 * {@code -Dcompat.strace=FILE} the Sentry's strace of the program is appended to FILE (the
 * report's record of which system calls each case makes).
 */
public final class CheckpointDriver {
    private static java.io.PrintStream strace;

    private static void exit(int status) {
        if (strace != null) strace.flush();
        System.exit(status);
    }

    /** The platform the CLI would pick (CRYO_PLATFORM, else systrap where the host has it): the suite runs on either. */
    private static dev.cryo.platform.Platform platform() {
        String name = System.getenv("CRYO_PLATFORM");
        boolean systrap = name == null || name.isEmpty() ? dev.cryo.platform.systrap.SystrapPlatform.available() : name.equals("systrap");
        return systrap ? dev.cryo.platform.systrap.SystrapPlatform.create() : PtracePlatform.create();
    }

    public static void main(String[] args) throws Exception {
        String traceFile = System.getProperty("compat.strace");
        if (traceFile != null) {
            strace = new java.io.PrintStream(new java.io.BufferedOutputStream(
                    new java.io.FileOutputStream(traceFile, true), 1 << 16), false, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        Sandbox sb;
        long millis;
        Path next;
        boolean leave = args[0].equals("run-leave");
        if (args[0].startsWith("run-at")) {
            boolean leaveAt = args[0].equals("run-at-leave");
            int dash = Arrays.asList(args).indexOf("--");
            List<String> env = new java.util.ArrayList<>(Arrays.asList(args).subList(4, dash));
            List<String> argv = Arrays.asList(args).subList(dash + 1, args.length);
            Sandbox at = Sandbox.create(platform(),
                    new SandboxConfig("/", argv, SandboxConfig.environment(env), args[3], strace));
            Path marks = Path.of(args[2] + ".marks");
            at.checkpointAfterSyscalls(Long.parseLong(args[1]), Path.of(args[2]), leaveAt, () -> {
                try {
                    java.nio.file.Files.writeString(marks, java.nio.file.Files.size(Path.of("/proc/self/fd/1")) + " "
                            + java.nio.file.Files.size(Path.of("/proc/self/fd/2")) + "\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, e -> {
                e.printStackTrace();
                System.exit(99);
            });
            int status = at.runToExit();
            exit(status == Sandbox.CHECKPOINTED ? 0 : status);
        }
        if (args[0].startsWith("run")) {
            millis = Long.parseLong(args[1]);
            next = Path.of(args[2]);
            List<String> argv = Arrays.asList(args).subList(4, args.length);
            sb = Sandbox.create(platform(),
                    new SandboxConfig("/", argv, SandboxConfig.environment(List.of()), "/", null));
        } else {
            millis = Long.parseLong(args[2]);
            next = millis < 0 ? null : Path.of(args[3]);
            sb = Sandbox.restore(platform(), Path.of(args[1]),
                    new Sandbox.RestoreOptions(false, strace, SyscallTable.standard()));
        }
        Thread checkpointer = null;
        if (next != null) {
            Sandbox target = sb;
            checkpointer = new Thread(() -> {
                try {
                    Thread.sleep(millis);
                    target.checkpoint(next, leave);
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(99);
                }
            });
            checkpointer.start();
        }
        int status = sb.runToExit();
        if (checkpointer != null) checkpointer.join();
        exit(status == Sandbox.CHECKPOINTED ? 0 : status);
    }
}
