package dev.cryo.platform.systrap;

import dev.cryo.platform.Context;
import dev.cryo.platform.Event;
import dev.cryo.platform.PlatformException;
import dev.cryo.platform.Regs;
import dev.cryo.platform.host.Host;

/**
 * One stub thread, parked in its handler whenever the Sentry holds its task. {@link #run} copies
 * the registers into the block (from where the handler puts them in the signal frame that
 * rt_sigreturn restores), hands the block over, and waits for the next event. Any thread may
 * run it, one at a time; {@link #interrupt} from any thread.
 */
final class SystrapContext implements Context {
    /** ucontext gregs indices. */
    static final int REG_R8 = 0, REG_R9 = 1, REG_R10 = 2, REG_R11 = 3, REG_R12 = 4, REG_R13 = 5, REG_R14 = 6,
            REG_R15 = 7, REG_RDI = 8, REG_RSI = 9, REG_RBP = 10, REG_RBX = 11, REG_RDX = 12, REG_RAX = 13,
            REG_RCX = 14, REG_RSP = 15, REG_RIP = 16, REG_EFL = 17;
    /** Regs index of each gregs entry REG_R8..REG_EFL. */
    private static final int[] ORDER = {Regs.R8, Regs.R9, Regs.R10, Regs.R11, Regs.R12, Regs.R13, Regs.R14, Regs.R15,
        Regs.RDI, Regs.RSI, Regs.RBP, Regs.RBX, Regs.RDX, Regs.RAX, Regs.RCX, Regs.RSP, Regs.RIP, Regs.EFLAGS};
    private static final int SIGSEGV = 11, SIGBUS = 7, SIGFPE = 8, SIGILL = 4, SIGTRAP = 5;
    private static final int SYS_SECCOMP = 1, AUDIT_ARCH_X86_64 = 0xC000003E, SI_KERNEL = 0x80;
    private static final int FP_XSTATE_MAGIC1 = 0x46505853, SW_BYTES = 464, LEGACY = 512;

    final SystrapAddressSpace as;
    final Block block;
    final int tid;
    private final long[] gregs = new long[ORDER.length];
    /** Whether this stub thread still runs, for waits on its block (made once: run is the system-call path). */
    private final java.util.function.BooleanSupplier alive;
    private boolean released;

    SystrapContext(SystrapAddressSpace as, Block block, int tid) {
        this.as = as;
        this.block = block;
        this.tid = tid;
        this.alive = () -> as.alive(tid);
    }

    @Override
    public Event run(long[] regs) {
        as.regionLock.readLock().lock();
        try {
            if (as.closed()) throw new PlatformException("systrap stub " + as.pid + " is closed");
            // wrfsbase faults on a non-canonical address, and the stub would die of it in its handler.
            if (!canonical(regs[Regs.FS_BASE]) || !canonical(regs[Regs.GS_BASE])) {
                throw new PlatformException("non-canonical thread pointer 0x" + Long.toHexString(regs[Regs.FS_BASE]));
            }
            for (int i = 0; i < ORDER.length; i++) gregs[i] = regs[ORDER[i]];
            Host.putLongs(block.here + Block.GREGS, gregs, 0, ORDER.length);
            Host.putLong(block.here + Block.FSBASE, regs[Regs.FS_BASE]);
            Host.putLong(block.here + Block.GSBASE, regs[Regs.GS_BASE]);
            block.handOver(Block.RUN);
            if (block.await(Block.RUN, as.timeout, alive) != Block.SENTRY) {
                throw new PlatformException("systrap stub " + as.pid + " died");
            }
            Host.getLongs(block.here + Block.GREGS, gregs, 0, ORDER.length);
            for (int i = 0; i < ORDER.length; i++) regs[ORDER[i]] = gregs[i];
            regs[Regs.FS_BASE] = Host.getLong(block.here + Block.FSBASE);
            regs[Regs.GS_BASE] = Host.getLong(block.here + Block.GSBASE);
            regs[Regs.CS] = Regs.USER_CS;
            regs[Regs.SS] = Regs.USER_DS;
            regs[Regs.ORIG_RAX] = -1;
            return event(regs);
        } finally {
            as.regionLock.readLock().unlock();
        }
    }

    private static boolean canonical(long a) {
        return (a >> 47) == 0 || (a >> 47) == -1;
    }

    private Event event(long[] regs) {
        long info = block.here + Block.INFO;
        int sig = Host.getInt(block.here + Block.SIG);
        int code = Host.getInt(info + 8);
        if (sig == SystrapAddressSpace.SIGSYS && code == SYS_SECCOMP) {
            if (Host.getInt(info + 28) != AUDIT_ARCH_X86_64) return new Event(Event.Kind.SIGNAL, sig, code, 0);
            // The filter's trap rolled RAX back to the number; report it as ptrace's SYSEMU does.
            regs[Regs.ORIG_RAX] = regs[Regs.RAX];
            regs[Regs.RAX] = -38; // -ENOSYS
            return Event.SYSCALL;
        }
        if (sig == SystrapAddressSpace.SIGUSR2 && code == -6 /* SI_TKILL */ && Host.getInt(info + 16) == Host.getpid()) {
            return Event.INTERRUPTED;
        }
        boolean synchronous = code > 0 && code < SI_KERNEL;
        long addr = Host.getLong(info + 16);
        if (synchronous && (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP)) {
            return new Event(Event.Kind.FAULT, sig, code, addr);
        }
        if ((sig == SIGSEGV || sig == SIGTRAP) && code == SI_KERNEL) return new Event(Event.Kind.FAULT, sig, code, 0);
        return new Event(Event.Kind.SIGNAL, sig, code, addr);
    }

    /** The signal frame's FP state in the Sentry's mapping, and its size. */
    private long[] frame() {
        long ptr = Host.getLong(block.here + Block.FPREGS);
        long off = ptr - block.there;
        if (off < Block.STACK || off + LEGACY > Block.SIZE) throw new PlatformException("systrap stub thread " + tid + " has no FP frame");
        long at = block.here + off;
        long size = LEGACY;
        if (Host.getInt(at + SW_BYTES) == FP_XSTATE_MAGIC1) size = Host.getInt(at + SW_BYTES + 16) & 0xffffffffL;
        if (size < LEGACY || off + size > Block.SIZE) throw new PlatformException("systrap stub thread " + tid + ": bad FP frame");
        return new long[] {at, size};
    }

    @Override
    public byte[] fpState() {
        long[] f = frame();
        byte[] out = new byte[(int) f[1]];
        Host.getBytes(f[0], out, 0, out.length);
        return out;
    }

    /** Copies {@code xsave} into the frame, but for the frame's own software-reserved bytes (its format's magic and sizes). */
    @Override
    public void setFpState(byte[] xsave) {
        long[] f = frame();
        int n = (int) Math.min(f[1], xsave.length);
        Host.putBytes(f[0], xsave, 0, Math.min(n, SW_BYTES));
        if (n > LEGACY) Host.putBytes(f[0] + LEGACY, xsave, LEGACY, n - LEGACY);
    }

    /**
     * The stub's process CPU clock (a thread clock of another process is refused by the host),
     * read into this context's block: no native allocation on a call the program may make often.
     * Synchronized: another task's thread may ask too (a process clock, a CPU timer).
     */
    @Override
    public synchronized long cpuTimeNanos() {
        long ts = block.here + Block.CLOCK;
        try {
            Host.clockGettime((~as.pid << 3) | 2, ts);
            return Host.getLong(ts) * 1_000_000_000L + Host.getLong(ts + 8);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void interrupt() {
        try {
            Host.tgkill(as.pid, tid, SystrapAddressSpace.SIGUSR2);
        } catch (RuntimeException e) {
            // The stub is gone; run() reports that.
        }
    }

    @Override
    public void release() {
        if (released) return;
        released = true;
        as.released(this);
    }
}
