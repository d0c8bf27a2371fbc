package dev.cryo.platform.systrap;

import dev.cryo.platform.host.Host;
import java.lang.invoke.VarHandle;

/**
 * One stub thread's block of the context region, seen through the Sentry's mapping: the layout
 * of platform/src/main/asm/systrap-stub.S. The stub thread and the Sentry take turns on it; the
 * state word says whose turn it is, and is the futex both wait on.
 */
final class Block {
    static final long SIZE = 65536;
    static final int STATE = 0, SIG = 4, FPREGS = 8, GREGS = 16, INFO = 200, CALLNR = 328, RESULT = 384,
            FSBASE = 392, GSBASE = 400, PPID = 408, TIMEOUT = 416, CLOCK = 448, SCRATCH = 1024, STACK = 4096;
    /** States: the Sentry's turn; run the application; make the call in CALLNR; the stub is gone. */
    static final int SENTRY = 1, RUN = 2, CALL = 3, DEAD = 4;
    /** ucontext gregs (REG_R8 ... REG_CR2). */
    static final int NGREGS = 23;

    /**
     * How long a wait watches the state word before sleeping on it, and how often it yields
     * meanwhile: a system call's answer, or the application's next call, mostly comes within
     * tens of microseconds (a wake-up from a futex sleep costs ~5-10 µs more here). Bounded in
     * time, so that sandboxes sharing loaded CPUs waste little on each other's spinning.
     */
    static final long SPIN_NANOS = Long.getLong("cryo.systrap.spinNanos", 20_000L);
    static final int YIELD = Math.max(1, Integer.getInteger("cryo.systrap.yield", 16));

    final int index;
    /** Its address in the Sentry, and in the stub. */
    final long here, there;

    Block(int index, long regionHere, long regionThere) {
        this.index = index;
        this.here = regionHere + index * SIZE;
        this.there = regionThere + index * SIZE;
    }

    int state() {
        int s = Host.getInt(here + STATE);
        VarHandle.acquireFence();
        return s;
    }

    /** Hands the block to the stub with {@code state} (RUN or CALL) and wakes it. */
    void handOver(int state) {
        VarHandle.releaseFence();
        Host.putInt(here + STATE, state);
        Host.futex(here + STATE, 1 /* FUTEX_WAKE */, 1, 0);
    }

    /** Marks the block dead (its stub was killed) and wakes whoever waits on it. */
    void kill() {
        Host.putInt(here + STATE, DEAD);
        Host.futex(here + STATE, 1, Integer.MAX_VALUE, 0);
    }

    /**
     * Waits while the state is {@code from}: spins briefly (the stub often answers within
     * microseconds), then sleeps on the futex, {@code timeout} (a timespec in the Sentry's
     * memory) at a time, asking {@code alive} between sleeps. Returns the new state.
     */
    int await(int from, long timeout, java.util.function.BooleanSupplier alive) {
        long until = System.nanoTime() + SPIN_NANOS;
        for (int i = 1; ; i++) {
            int s = state();
            if (s != from) return s;
            if (i % YIELD == 0) {
                if (System.nanoTime() - until > 0) break;
                Thread.yield(); // a woken thread waiting for this CPU (the stub itself, often) goes first
            } else {
                Thread.onSpinWait();
            }
        }
        while (true) {
            int s = state();
            if (s != from) return s;
            long r = Host.futex(here + STATE, 0 /* FUTEX_WAIT */, from, timeout);
            if (r == -110 /* ETIMEDOUT */ && !alive.getAsBoolean()) return DEAD;
        }
    }
}
