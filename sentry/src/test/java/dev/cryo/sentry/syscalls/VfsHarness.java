package dev.cryo.sentry.syscalls;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import java.nio.charset.StandardCharsets;

/** Calls handlers on a test task as the dispatcher would: the result, or -errno. */
final class VfsHarness {
    final Task t;
    /** Next free byte of the scratch area for strings and buffers. */
    private long next = TestTasks.SCRATCH;

    VfsHarness(Task t) {
        this.t = t;
    }

    long call(Handler h, long... args) {
        for (int i = 0; i < 6; i++) t.regs()[Regs.SYSCALL_ARGS[i]] = i < args.length ? args[i] : 0;
        try {
            return h.call(t);
        } catch (SyscallError e) {
            return -e.errno();
        }
    }

    /** Copies {@code s} and a NUL into scratch memory; returns its address. */
    long str(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        long a = alloc(b.length + 1);
        t.mm().usermem().write(a, java.util.Arrays.copyOf(b, b.length + 1));
        return a;
    }

    long alloc(int n) {
        long a = next;
        next += (n + 15) & ~15;
        if (next > TestTasks.SCRATCH + TestTasks.SCRATCH_LEN) throw new IllegalStateException("scratch full");
        return a;
    }

    byte[] read(long addr, int n) {
        return t.mm().usermem().read(addr, n);
    }
}
