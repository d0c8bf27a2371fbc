package dev.cryo.sentry.syscalls;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.abi.Mman;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import java.util.List;

/**
 * A task for syscall unit tests, with no ptrace: a kernel on a fake platform whose address
 * space ignores mappings (copy-in/copy-out goes through the real memory file), loaded with the
 * host's static busybox only so that the task has a memory manager and descriptors. The task
 * never runs; tests set argument registers and call handlers through the standard table.
 */
final class SysTestTask implements AutoCloseable {
    static final String PROGRAM = "/bin/busybox";

    /** CPU time the fake context reports, ns. */
    long cpuNanos = 1_234_567_890L;

    final Kernel kernel;
    final Task task;
    final Dispatcher dispatcher = new Dispatcher(SyscallTable.standard());

    SysTestTask() {
        kernel = new Kernel(new NoPlatform(() -> cpuNanos), dev.cryo.sentry.fs.Filesystems.hostRoot("/"), dispatcher);
        task = kernel.startInit(PROGRAM, List.of("busybox"), List.of(), "/", dev.cryo.sentry.fs.host.HostStdio::install);
    }

    static boolean available() {
        return new java.io.File(PROGRAM).canExecute();
    }

    Usermem mem() {
        return task.mm().usermem();
    }

    /** A fresh read-write anonymous mapping of {@code len} bytes. */
    long scratch(long len) {
        return task.mm().mmap(0, len, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, null, 0);
    }

    /** An address that is not mapped. */
    long unmapped() {
        long a = scratch(4096);
        task.mm().munmap(a, 4096);
        return a;
    }

    /** Makes system call {@code nr} with {@code args} through the dispatcher; returns RAX. */
    long call(int nr, long... args) {
        long[] regs = task.regs();
        regs[Regs.ORIG_RAX] = nr;
        for (int i = 0; i < 6; i++) regs[Regs.SYSCALL_ARGS[i]] = i < args.length ? args[i] : 0;
        regs[Regs.RAX] = -38;
        dispatcher.dispatch(task);
        return regs[Regs.RAX];
    }

    @Override
    public void close() {
        kernel.memoryFile().close();
    }
}
