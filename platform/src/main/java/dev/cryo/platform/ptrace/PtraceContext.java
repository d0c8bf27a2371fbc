package dev.cryo.platform.ptrace;

import dev.cryo.platform.Context;
import dev.cryo.platform.Event;
import dev.cryo.platform.host.HostException;

/** Runs application code in a stub thread with PTRACE_SYSEMU. Tracer-thread only, but {@link #interrupt}. */
final class PtraceContext implements Context {
    private static final int SIGSEGV = 11, SIGBUS = 7, SIGFPE = 8, SIGILL = 4;

    private final Tracee tracee;
    private final PtraceAddressSpace as;

    PtraceContext(Tracee tracee, PtraceAddressSpace as) {
        this.tracee = tracee;
        this.as = as;
    }

    Tracee tracee() {
        return tracee;
    }

    @Override
    public void release() {
        as.released(this);
        tracee.exitThread();
    }

    @Override
    public Event run(long[] regs) {
        if (tracee.pendingInterrupt) {
            tracee.pendingInterrupt = false;
            return Event.INTERRUPTED;
        }
        tracee.setRegs(regs);
        int status = tracee.resume(Ptrace.SYSEMU, 0);
        tracee.getRegs(regs);
        int sig = Ptrace.stopSignal(status);
        if (sig == (Ptrace.SIGTRAP | 0x80)) {
            return Event.SYSCALL;
        }
        if (Ptrace.event(status) != 0) {
            // PTRACE_EVENT_STOP and friends: nothing for the application; treat as an interrupt.
            return Event.INTERRUPTED;
        }
        if (sig == Ptrace.SIGSTOP) {
            return Event.INTERRUPTED;
        }
        long[] info = tracee.sigInfo();
        int code = (int) info[1];
        boolean synchronous = code > 0 && code < 0x80; // from the CPU, not from kill()
        if (synchronous && (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL
                || sig == Ptrace.SIGTRAP)) {
            return new Event(Event.Kind.FAULT, sig, code, info[2]);
        }
        if (sig == SIGSEGV && code == 0x80) {
            // SI_KERNEL: a general-protection fault (bad segment, non-canonical address,
            // privileged instruction). Linux reports it to the program as SIGSEGV with addr 0.
            return new Event(Event.Kind.FAULT, sig, code, 0);
        }
        if (sig == Ptrace.SIGTRAP && code == 0x80) {
            // int3 executed by the application.
            return new Event(Event.Kind.FAULT, sig, code, 0);
        }
        return new Event(Event.Kind.SIGNAL, sig, code, info[2]);
    }

    @Override
    public byte[] fpState() {
        return tracee.xsave();
    }

    @Override
    public void setFpState(byte[] xsave) {
        tracee.setXsave(xsave);
    }

    @Override
    public long cpuTimeNanos() {
        return tracee.cpuTimeNanos();
    }

    @Override
    public void interrupt() {
        try {
            tracee.signal(Ptrace.SIGSTOP);
        } catch (HostException e) {
            // The stub is gone; run() reports that.
        }
    }
}
