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
    static void run(Task t) {
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
        while (!t.exited) {
            if ((k.freezeRequested() || k.stopped()) && k.park(t)) {
                t.exitGroup(0);
                t.checkpointed = true;
                break;
            }
            lock.lock();
            try {
                if (t.zapped) {
                    t.killBySignal(Signals.SIGKILL, false);
                    break;
                }
                int sig = t.pendingSignal;
                if (sig != 0) {
                    t.pendingSignal = 0;
                    hostSignal(t, sig);
                    if (t.exited) break;
                }
                if (t.vforkChild != 0 && !TaskFork.vforkWait(t)) continue; // interrupted: park first
            } finally {
                lock.unlock();
            }
            Event ev = t.context.run(t.regs);
            lock.lock();
            try {
                switch (ev.kind()) {
                    case SYSCALL -> {
                        if (isInt80(t)) {
                            int80(t);
                        } else {
                            dispatcher.dispatch(t);
                        }
                        k.countSyscall();
                    }
                    case FAULT -> fault(t, ev);
                    case SIGNAL -> hostSignal(t, ev.signo());
                    case INTERRUPT -> { }
                }
            } finally {
                lock.unlock();
            }
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

    private static void fault(Task t, Event ev) {
        int sig = ev.signo();
        if ((sig == Signals.SIGSEGV || sig == Signals.SIGBUS) && ev.code() != Signals.SI_KERNEL
                && t.mm.handleFault(ev.addr())) {
            return;
        }
        // Signal delivery to handlers comes with processes and signals; until then a fault the
        // memory manager cannot serve takes its default action: death with a core.
        int code = ev.code();
        if (sig == Signals.SIGSEGV && code != Signals.SI_KERNEL) {
            code = t.mm.vmaAt(ev.addr()) != null ? Signals.SEGV_ACCERR : Signals.SEGV_MAPERR;
        }
        t.kernel.traceSignal(t, sig, code, ev.addr());
        t.killBySignal(sig, Signals.defaultCore(sig));
    }

    /** A signal from outside the sandbox: the stub's host signal, or cryo kill. */
    private static void hostSignal(Task t, int sig) {
        // A signal from the host (the terminal's SIGINT, say) reached the stub. Honour the
        // application's disposition as far as it can be without handlers: ignored or
        // default-ignored signals are dropped, the rest end the sandbox as the default does.
        SignalAction a = t.actions[sig];
        if (a.handler == Signals.SIG_IGN || (a.handler == Signals.SIG_DFL && Signals.defaultIgnore(sig))) {
            return;
        }
        if (sig == Signals.SIGKILL) {
            t.kernel.traceSignal(t, sig, 0, 0);
            t.killBySignal(sig, false);
            return;
        }
        if (sig == Signals.SIGSTOP || sig == Signals.SIGTSTP || sig == Signals.SIGTTIN
                || sig == Signals.SIGTTOU || sig == Signals.SIGCONT) {
            return;
        }
        t.kernel.traceSignal(t, sig, 0, 0);
        t.killBySignal(sig, Signals.defaultCore(sig));
    }
}
