package dev.cryo.sentry.kernel;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FsContext;
import dev.cryo.sentry.vfs.VirtualFilesystem;

/**
 * Builds a task for handler tests without a platform: memory is the memory file (no address
 * space is attached, so nothing runs), descriptors and filesystem context are fresh.
 */
public final class TestTasks {
    private TestTasks() {}

    /** Address range tests can use: [SCRATCH, SCRATCH + SCRATCH_LEN) is mapped read/write. */
    public static final long SCRATCH = 0x10000000L, SCRATCH_LEN = 1 << 20;

    public static Task newTask(VirtualFilesystem vfs) {
        Kernel k = new Kernel(null, vfs, null);
        MemoryManager mm = new MemoryManager(k.memoryFile(), 0x10000, 1L << 47);
        final int PROT_RW = 3, MAP_PRIVATE_ANON_FIXED = 0x02 | 0x20 | 0x10;
        mm.mmap(SCRATCH, SCRATCH_LEN, PROT_RW, MAP_PRIVATE_ANON_FIXED, null, 0);
        Task t = new Task(k, 1, 1, Regs.initial(0, 0));
        t.mm = mm;
        t.fs = new FsContext();
        t.fds = new FdTable(1024);
        return t;
    }

    /** Frees the task's memory file. */
    public static void dispose(Task t) {
        t.fds.closeAll();
        t.kernel.memoryFile().close();
    }
}
