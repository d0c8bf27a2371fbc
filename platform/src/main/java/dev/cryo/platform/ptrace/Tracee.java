package dev.cryo.platform.ptrace;

import dev.cryo.platform.PlatformException;
import dev.cryo.platform.Regs;
import dev.cryo.platform.host.Host;

/**
 * One traced stub thread and the native scratch memory used to talk to it. All methods but
 * {@link #kill} and {@link #signal} must be called on the tracer thread.
 */
final class Tracee {
    private static final int XSAVE_MAX = 16384;

    final int pid;
    final int tid;
    /** Native scratch: regs at 0, wait status at REGS_SIZE, siginfo at SIGINFO, iovec at IOV. */
    private final long scratch;
    private static final int REGS_SIZE = Regs.COUNT * 8;
    private static final int STATUS = REGS_SIZE;
    private static final int SIGINFO = STATUS + 8;
    private static final int IOV = SIGINFO + 128;
    private static final int XSAVE = IOV + 16;
    private final long[] saved = new long[Regs.COUNT];
    /** Set when a stop for {@link Ptrace#SIGSTOP} (an interrupt) was swallowed during an injection. */
    boolean pendingInterrupt;
    private volatile boolean dead;

    Tracee(int pid, int tid) {
        this.pid = pid;
        this.tid = tid;
        this.scratch = Host.allocate(XSAVE + XSAVE_MAX);
    }

    void getRegs(long[] regs) {
        Host.ptrace(Ptrace.GETREGS, tid, 0, scratch);
        Host.getLongs(scratch, regs, 0, Regs.COUNT);
    }

    void setRegs(long[] regs) {
        Host.putLongs(scratch, regs, 0, Regs.COUNT);
        Host.ptrace(Ptrace.SETREGS, tid, 0, scratch);
    }

    /** Resumes with {@code request} (CONT, SYSEMU) and waits for the next stop; returns the status. */
    int resume(int request, int signal) {
        Host.ptrace(request, tid, 0, signal);
        return waitStop();
    }

    int waitStop() {
        Host.waitpid(tid, scratch + STATUS, Ptrace.WALL);
        int status = Host.getInt(scratch + STATUS);
        if (!Ptrace.stopped(status)) {
            dead = true; // reaped by this wait
            throw new PlatformException("stub process " + tid + " " + Ptrace.describe(status));
        }
        return status;
    }

    /** Reads the siginfo of the current signal-delivery-stop: {signo, code, addr}. */
    long[] sigInfo() {
        Host.ptrace(Ptrace.GETSIGINFO, tid, 0, scratch + SIGINFO);
        long s = scratch + SIGINFO;
        return new long[] {Host.getInt(s), Host.getInt(s + 8), Host.getLong(s + 16)};
    }

    byte[] xsave() {
        Host.putLong(scratch + IOV, scratch + XSAVE);
        Host.putLong(scratch + IOV + 8, XSAVE_MAX);
        Host.ptrace(Ptrace.GETREGSET, tid, Ptrace.NT_X86_XSTATE, scratch + IOV);
        int len = (int) Host.getLong(scratch + IOV + 8);
        byte[] out = new byte[len];
        Host.getBytes(scratch + XSAVE, out, 0, len);
        return out;
    }

    void setXsave(byte[] area) {
        if (area.length > XSAVE_MAX) throw new IllegalArgumentException("XSAVE area too large: " + area.length);
        Host.putBytes(scratch + XSAVE, area, 0, area.length);
        Host.putLong(scratch + IOV, scratch + XSAVE);
        Host.putLong(scratch + IOV + 8, area.length);
        Host.ptrace(Ptrace.SETREGSET, tid, Ptrace.NT_X86_XSTATE, scratch + IOV);
    }

    /**
     * Makes the stub execute one system call and returns its raw result (a negative errno on
     * failure). The application's registers are clobbered; the caller's context reloads them
     * before the application runs again.
     */
    long inject(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return inject(StubImage.SYSCALL_INSN, StubImage.AFTER_INT3, nr, a0, a1, a2, a3, a4, a5);
    }

    /** As {@link #inject(long, long, long, long, long, long, long)}, at the {@code syscall} at {@code site}. */
    long inject(long site, long trapsAt, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        long[] r = saved;
        java.util.Arrays.fill(r, 0);
        r[Regs.RIP] = site;
        r[Regs.RAX] = nr;
        r[Regs.ORIG_RAX] = -1;
        r[Regs.RDI] = a0;
        r[Regs.RSI] = a1;
        r[Regs.RDX] = a2;
        r[Regs.R10] = a3;
        r[Regs.R8] = a4;
        r[Regs.R9] = a5;
        r[Regs.CS] = Regs.USER_CS;
        r[Regs.SS] = Regs.USER_DS;
        r[Regs.DS] = r[Regs.ES] = 0;
        r[Regs.EFLAGS] = 0x202;
        return runToTrap(r, trapsAt)[Regs.RAX];
    }

    /**
     * Makes the stub run the batch loop over {@code count} entries at {@link StubImage#TABLE}
     * (written there by the caller). Returns -1 if every call returned what its entry expected,
     * else the index of the first that did not, whose result is then in {@code result[0]}.
     */
    int batch(int count, long[] result) {
        long[] r = saved;
        java.util.Arrays.fill(r, 0);
        r[Regs.RIP] = StubImage.BATCH;
        r[Regs.RBX] = StubImage.TABLE;
        r[Regs.R12] = count;
        r[Regs.ORIG_RAX] = -1;
        r[Regs.CS] = Regs.USER_CS;
        r[Regs.SS] = Regs.USER_DS;
        r[Regs.EFLAGS] = 0x202;
        runToTrap(r, StubImage.AFTER_BATCH_INT3);
        if (r[Regs.R12] == 0) return -1;
        result[0] = r[Regs.RAX];
        return (int) ((r[Regs.RBX] - StubImage.TABLE) / StubImage.ENTRY_SIZE);
    }

    /** Runs the stub from registers {@code r} until its {@code int3} at {@code trapsAt}; returns its registers then, in {@code r}. */
    private long[] runToTrap(long[] r, long trapsAt) {
        setRegs(r);
        int status = resume(Ptrace.CONT, 0);
        while (Ptrace.stopSignal(status) != Ptrace.SIGTRAP || Ptrace.event(status) != 0) {
            if (Ptrace.stopSignal(status) == Ptrace.SIGSTOP) {
                pendingInterrupt = true;
            }
            // Any other stop (a host signal, a group stop) is swallowed: the stub runs no
            // application code while injecting, so nothing of the application is lost.
            status = resume(Ptrace.CONT, 0);
        }
        getRegs(r);
        if (r[Regs.RIP] != trapsAt) {
            throw new PlatformException("stub trapped at unexpected address 0x" + Long.toHexString(r[Regs.RIP]));
        }
        return r;
    }

    /**
     * The stub's CPU time: its process CPU clock (MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)); a
     * thread clock of another process is refused by the host, and a stub runs one thread.
     */
    long cpuTimeNanos() {
        int clock = (~pid << 3) | 2;
        Host.clockGettime(clock, scratch + SIGINFO);
        return Host.getLong(scratch + SIGINFO) * 1_000_000_000L + Host.getLong(scratch + SIGINFO + 8);
    }

    /** Any thread: sends a host signal to the stub thread. */
    void signal(int sig) {
        if (!dead) {
            Host.tgkill(pid, tid, sig);
        }
    }

    /**
     * Tracer thread: ends this one stub thread (its task exited while other threads of the
     * address space run on). It is detached at an {@code exit} call, which it then makes on its
     * own: a traced thread group leader's exit would not be reported until the whole group is
     * gone, so nothing waits for it here. The tracer thread may then end without O_EXITKILL
     * killing the other threads.
     */
    void exitThread() {
        if (dead) return;
        long[] r = saved;
        java.util.Arrays.fill(r, 0);
        r[Regs.RIP] = StubImage.SYSCALL_INSN;
        r[Regs.RAX] = 60; // exit: this thread only
        r[Regs.ORIG_RAX] = -1;
        r[Regs.CS] = Regs.USER_CS;
        r[Regs.SS] = Regs.USER_DS;
        r[Regs.EFLAGS] = 0x202;
        setRegs(r);
        dead = true;
        Host.ptrace(Ptrace.DETACH, tid, 0, 0);
    }

    /**
     * Kills the stub. On the tracer thread it also reaps it, so a long-lived Sentry leaves no
     * zombies; from another thread the tracer's next wait sees the death.
     */
    void kill(boolean onTracerThread) {
        if (dead) return;
        dead = true;
        try {
            Host.kill(pid, Ptrace.SIGKILL);
        } catch (RuntimeException e) {
            return; // already gone
        }
        if (!onTracerThread) return;
        reap(tid);
        // A thread's tracer reaps the thread; the process itself (its leader, untraced once it
        // exited earlier) is the JVM's child, which any of its threads may reap.
        if (tid != pid) reap(pid);
    }

    private void reap(int id) {
        try {
            while (true) {
                Host.waitpid(id, scratch + STATUS, Ptrace.WALL);
                if (!Ptrace.stopped(Host.getInt(scratch + STATUS))) break;
            }
        } catch (RuntimeException e) {
            // ECHILD: reaped already.
        }
    }
}
