package dev.cryo.platform.systrap;

import dev.cryo.platform.PlatformException;
import dev.cryo.platform.Regs;
import dev.cryo.platform.host.Host;

/**
 * Prepares a freshly spawned stub with ptrace, then lets it go: the only time the systrap
 * platform traces anything. Each call is injected at the stub's {@code syscall; int3}.
 */
final class Setup implements AutoCloseable {
    private static final int SEIZE = 0x4206, INTERRUPT = 0x4207, CONT = 7, DETACH = 17, GETREGS = 12, SETREGS = 13;
    private static final int WALL = 0x40000000, SIGTRAP = 5;

    private final int pid;
    private final long scratch = Host.allocate(Regs.COUNT * 8 + 8);
    private final long[] regs = new long[Regs.COUNT];

    Setup(int pid) {
        this.pid = pid;
        // EXITKILL while set-up runs: a Sentry that dies now takes the half-made stub with it.
        Host.ptrace(SEIZE, pid, 0, 0x100000 /* PTRACE_O_EXITKILL */);
        Host.ptrace(INTERRUPT, pid, 0, 0);
        int status = waitStop();
        if ((status >> 16) != 128 /* PTRACE_EVENT_STOP */) throw new PlatformException("stub did not stop as expected: 0x" + Integer.toHexString(status));
    }

    private int waitStop() {
        Host.waitpid(pid, scratch + Regs.COUNT * 8, WALL);
        int status = Host.getInt(scratch + Regs.COUNT * 8);
        if ((status & 0xff) != 0x7f) throw new PlatformException("stub process " + pid + " ended during set-up (status 0x" + Integer.toHexString(status) + ")");
        return status;
    }

    private void setRegs(long rip, long rsp) {
        java.util.Arrays.fill(regs, 0);
        regs[Regs.RIP] = rip;
        regs[Regs.RSP] = rsp;
        regs[Regs.ORIG_RAX] = -1;
        regs[Regs.CS] = Regs.USER_CS;
        regs[Regs.SS] = Regs.USER_DS;
        regs[Regs.EFLAGS] = 0x202;
    }

    /** Makes the stub execute one system call; returns its raw result (negative errno on failure). */
    long call(long nr, long a0, long a1, long a2, long a3, long a4) {
        setRegs(StubCode.INJECT, 0);
        regs[Regs.RAX] = nr;
        regs[Regs.RDI] = a0;
        regs[Regs.RSI] = a1;
        regs[Regs.RDX] = a2;
        regs[Regs.R10] = a3;
        regs[Regs.R8] = a4;
        Host.putLongs(scratch, regs, 0, Regs.COUNT);
        Host.ptrace(SETREGS, pid, 0, scratch);
        while (true) {
            Host.ptrace(CONT, pid, 0, 0);
            int status = waitStop();
            if (((status >> 8) & 0xff) == SIGTRAP && (status >> 16) == 0) break;
        }
        Host.ptrace(GETREGS, pid, 0, scratch);
        Host.getLongs(scratch, regs, 0, Regs.COUNT);
        if (regs[Regs.RIP] != StubCode.INJECT + 3) throw new PlatformException("stub trapped at 0x" + Long.toHexString(regs[Regs.RIP]));
        return regs[Regs.RAX];
    }

    long check(String what, long r) {
        if (r < 0 && r > -4096) throw new PlatformException("systrap stub set-up: " + what + " failed: " + Host.strerror((int) -r));
        return r;
    }

    /** Detaches, the stub resuming at {@code rip} on stack {@code rsp}. */
    void release(long rip, long rsp) {
        setRegs(rip, rsp);
        Host.putLongs(scratch, regs, 0, Regs.COUNT);
        Host.ptrace(SETREGS, pid, 0, scratch);
        Host.ptrace(DETACH, pid, 0, 0);
    }

    @Override
    public void close() {
        Host.free(scratch);
    }
}
