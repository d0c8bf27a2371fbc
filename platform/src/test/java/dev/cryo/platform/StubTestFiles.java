package dev.cryo.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.host.Host;

/**
 * What the platform tests give a stub: a memory file holding hand-assembled code, a look at its
 * mappings, and the checks both platforms' stubs must pass.
 */
public final class StubTestFiles {
    private StubTestFiles() {}

    /** A 1 MiB memory file with {@code code} at offset 0. */
    public static int memfdWith(byte[] code) {
        int fd = Host.memfdCreate("test", 1);
        Host.ftruncate(fd, 1 << 20);
        long buf = Host.allocate(code.length);
        Host.putBytes(buf, code, 0, code.length);
        Host.pwrite(fd, buf, code.length, 0);
        Host.free(buf);
        return fd;
    }

    /** The host's /proc/PID/maps of a stub. */
    public static String maps(int pid) throws java.io.IOException {
        return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/maps"));
    }

    /**
     * The stub-reuse contract: with {@code getpid} code at offset 0 of the memory file, a program
     * mapped at {@code code} (and data at 0x500000) runs; {@code reset} hands back the same
     * context with no application mapping left in stub {@code pid}; the next program runs in it.
     * Returns that context.
     */
    public static Context resetRunsTheNextProgram(AddressSpace as, int pid, long code) throws java.io.IOException {
        as.map(code, 0x1000, 5, 0);
        as.map(0x500000, 0x1000, 3, 0x1000);
        Context ctx = as.mainContext();
        assertEquals(Event.Kind.SYSCALL, ctx.run(Regs.initial(code, 0)).kind());
        assertTrue(maps(pid).contains("00500000-"), maps(pid));
        Context again = as.reset();
        assertTrue(again == ctx, "the same context, for the next process");
        String left = maps(pid);
        assertTrue(!left.contains(String.format("%08x-", code)) && !left.contains("00500000-"), left);
        as.map(code, 0x1000, 5, 0);
        long[] regs = Regs.initial(code, 0);
        assertEquals(Event.Kind.SYSCALL, again.run(regs).kind());
        assertEquals(39, regs[Regs.ORIG_RAX]);
        return again;
    }
}
