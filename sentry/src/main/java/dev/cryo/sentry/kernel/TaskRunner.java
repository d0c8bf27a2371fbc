package dev.cryo.sentry.kernel;

import dev.cryo.platform.Event;
import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.sync.KernelLock;

/**
 * The task loop (DESIGN.md rule 4): run the application until the next event, serve it, repeat.
 * Mirrors the run states of gVisor's pkg/sentry/kernel/task_run.go.
 */
final class TaskRunner {
    private TaskRunner() {}

    /**
     * The loop. Application code runs without the kernel lock; every event is served holding
     * it (see KernelLock), and blocking waits inside a syscall give it up while they sleep.
     */
    /** The task each task thread runs (one for the thread's life): the "current" of signalfd. */
    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    /** The task the calling thread runs, or null off the task threads. */
    static Task current() {
        return CURRENT.get();
    }

    static void run(Task t) {
        CURRENT.set(t);
        Kernel k = t.kernel;
        KernelLock lock = k.lock();
        SyscallDispatcher dispatcher = k.dispatcher();
        try {
            loop(t, k, lock, dispatcher);
        } catch (RuntimeException | Error e) {
            // A fault of the Sentry's own (or of the platform under it) ends this process as
            // SIGKILL would, rather than leaving it half-alive: its parent still gets to reap it.
            System.err.println("cryo: internal error in task " + t.tid + ": " + e);
            t.killBySignal(Signals.SIGKILL, false);
            if (lock.heldByCurrentThread()) lock.unlock();
        }
        lock.lock();
        try {
            TaskExit.exited(t);
        } finally {
            lock.unlock();
        }
    }

    private static void loop(Task t, Kernel k, KernelLock lock, SyscallDispatcher dispatcher) {
        boolean afterSyscall = false;
        long staleFault = -1; // the address of a fault just let run again as stale (see fault)
        while (true) {
            // Before returning to the application: signals, and the settling of a syscall that
            // asked to restart, so that a task parks with registers it can resume from.
            long restarted = SignalDelivery.deliver(t, afterSyscall);
            afterSyscall = false;
            if (t.exited) break;
            boolean waited = false;
            if (k.stopped()) { // checkpointed and stopped before this task ever ran, or since it parked
                t.endForCheckpoint();
                break;
            }
            if (k.freezeRequested()) {
                if (k.park(t)) {
                    t.endForCheckpoint();
                    break;
                }
                waited = true;
            }
            if (SignalDelivery.stopped(t)) {
                SignalDelivery.waitWhileStopped(t);
                waited = true;
            }
            if (waited) {
                // Signals may have come while the task waited: the interrupted call is EINTR
                // if one of them has a handler, so the restart is decided again.
                if (restarted != 0) {
                    SignalDelivery.undoRestart(t.regs, restarted);
                    afterSyscall = true;
                }
                continue;
            }
            lock.lock();
            try {
                if (t.zapped || t.group.exiting) {
                    // Killed with the others (init's exit, exec's de_thread) or by the process's
                    // exit_group or fatal signal: this thread only; the process's status is set.
                    t.exited = true;
                    t.waitStatus = Signals.SIGKILL;
                    break;
                }
                if (t.vforkChild != 0 && !TaskFork.vforkWait(t)) continue; // interrupted: park first
                t.mm.armWriteTracking(); // a checkpoint into the store restarted it: re-protect first
            } finally {
                lock.unlock();
            }
            Event ev = t.context.run(t.regs);
            lock.lock();
            try {
                switch (ev.kind()) {
                    case SYSCALL -> {
                        staleFault = -1;
                        if (isInt80(t)) {
                            int80(t);
                        } else {
                            dispatcher.dispatch(t);
                        }
                        afterSyscall = true;
                        k.countSyscall();
                    }
                    case FAULT -> staleFault = fault(t, ev, staleFault);
                    case SIGNAL -> {
                        staleFault = -1;
                        hostSignal(t, ev.signo());
                    }
                    case INTERRUPT -> staleFault = -1;
                }
            } finally {
                lock.unlock();
            }
            Signalling.checkCpuTimers(t);
        }
    }

    /** {@code int $0x80}: CD 80 before RIP (a {@code syscall} is 0F 05). */
    private static boolean isInt80(Task t) {
        return t.mm.usermem().peekShort(t.regs[Regs.RIP] - 2) == 0x80cd;
    }

    /**
     * The 32-bit system call ABI, used from 64-bit code. Linux would serve it with i386 numbers
     * and arguments; the Sentry has no i386 table, so it answers ENOSYS (and counts it) rather
     * than misreading it as a 64-bit call.
     */
    private static void int80(Task t) {
        t.kernel.stats().countEnosys(0x4000_0000L | (t.regs[Regs.ORIG_RAX] & 0xffff_ffffL));
        t.regs[Regs.RAX] = -dev.cryo.sentry.abi.Errno.ENOSYS;
    }

    /**
     * A fault the memory manager cannot serve becomes the signal the CPU raised, forced on the
     * task (force_sig_fault): its handler runs, or, blocked or ignored, it kills. The sigcontext
     * gets the trap number, error code and address Linux would record. Returns the fault's
     * address if it was let run again as stale, else -1.
     *
     * <p>Stale: two threads wrote to one granule the write tracking held read-only; the first
     * fault served made it writable, and the second, taken before that, finds nothing to do. Its
     * access runs again, once: ptrace does not say whether a fault was a write, so a fault that
     * comes straight back at the same address ({@code retried}) is the program's own (say, code
     * run from a page mapped without PROT_EXEC) and gets its signal.
     */
    private static long fault(Task t, Event ev, long retried) {
        int sig = ev.signo();
        if ((sig == Signals.SIGSEGV || sig == Signals.SIGBUS) && ev.code() != Signals.SI_KERNEL
                && t.mm.handleFault(ev.addr(), sig == Signals.SIGSEGV && ev.code() == Signals.SEGV_MAPERR)) {
            return -1;
        }
        if (sig == Signals.SIGSEGV && ev.code() == Signals.SEGV_ACCERR && ev.addr() != retried
                && t.mm.releasedByTracking(ev.addr())) {
            return ev.addr();
        }
        int code = ev.code();
        long addr = ev.addr();
        TaskSignals ts = t.signals;
        ts.cr2 = 0;
        ts.errorCode = 0;
        switch (sig) {
            case Signals.SIGSEGV, Signals.SIGBUS -> {
                if (code == Signals.SI_KERNEL) {
                    ts.trapNo = 13; // general protection
                    addr = 0;
                } else {
                    var vma = t.mm.vmaAt(addr);
                    if (sig == Signals.SIGSEGV) code = vma != null ? Signals.SEGV_ACCERR : Signals.SEGV_MAPERR;
                    ts.trapNo = 14; // page fault
                    ts.cr2 = addr;
                    // Error code: user mode, and "present" for a protection fault; whether it was a
                    // write is not known from ptrace: guessed from a mapping that is readable only.
                    long err = 4;
                    if (vma != null) {
                        err |= 1;
                        if ((vma.prot() & 1) != 0 && (vma.prot() & 2) == 0) err |= 2;
                    }
                    ts.errorCode = err;
                }
            }
            case Signals.SIGFPE -> ts.trapNo = 0;  // divide error
            case Signals.SIGILL -> ts.trapNo = 6;  // invalid opcode
            case Signals.SIGTRAP -> ts.trapNo = 3; // int3
            default -> ts.trapNo = 0;
        }
        Signalling.force(t, SigInfo.fault(sig, code, addr));
        return -1;
    }

    /**
     * A host signal reached the stub (the terminal's SIGINT, say): it is the sandbox's process's
     * as if sent from outside, with the application's disposition deciding.
     */
    private static void hostSignal(Task t, int sig) {
        if (!Signals.valid(sig)) return;
        t.kernel.sendToThreadGroup(t, SigInfo.user(sig, SigInfo.SI_USER, 0, 0));
    }
}
