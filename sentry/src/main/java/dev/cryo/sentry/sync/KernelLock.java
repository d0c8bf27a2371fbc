package dev.cryo.sentry.sync;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Sentry's big kernel lock. Each task runs application code without it and serves each
 * system call, fault and signal holding it, so the kernel's objects (process tree, descriptor
 * tables, pipes, the memory file's allocator) are only ever touched by one task at a time.
 * Blocking waits give it up while they sleep ({@link #await}, {@link #unlocked}), so a task
 * waiting for a child or for pipe data never holds up the others.
 *
 * <p>One condition serves every wait: a state change that may let a waiter proceed calls
 * {@link #wake}, and each waiter re-checks what it waits for. With the handful of tasks a
 * sandbox has, that is simpler and no slower than one queue per object.
 *
 * <p>A wait ends early when the waiting thread is interrupted (a freeze, a signal): it then
 * throws ERESTARTSYS, and the system call unwinds and is restarted, or fails with EINTR, as
 * the signal code decides (Linux's -ERESTARTSYS from a wait queue).
 *
 * <p>Saved as a stateless object (no task holds the lock in a frozen kernel); the lock is
 * made again by the no-argument constructor Kryo runs.
 */
@Savable
public final class KernelLock {
    @Rebuilt("a new lock, made by the constructor Kryo calls: nobody holds the lock at a save")
    private final transient ReentrantLock mu = new ReentrantLock();
    @Rebuilt("made with the lock by the constructor")
    private final transient Condition changed = mu.newCondition();

    /**
     * How long a blocking wait first watches for a wake-up, yielding its CPU, before it sleeps:
     * the other end of a pipe or futex often answers within microseconds, and a sleeping Java
     * thread takes a futex wake-up and a scheduling more. 0: sleep at once.
     */
    static final long SPIN_NANOS = Long.getLong("cryo.kernel.spinNanos", 50_000L);

    /** Counts {@link #wake}s: what a watching waiter looks at. Written under the lock. */
    @Rebuilt("a counter of wake-ups since the lock was made; nobody waits at a save")
    private transient volatile long wakes;

    public KernelLock() {}

    public void lock() {
        mu.lock();
    }

    public void unlock() {
        mu.unlock();
    }

    public boolean heldByCurrentThread() {
        return mu.isHeldByCurrentThread();
    }

    /** Wakes every waiter so that each re-checks its condition (taking the lock if this thread has not). */
    public void wake() {
        if (mu.isHeldByCurrentThread()) {
            wakes++;
            changed.signalAll();
            return;
        }
        mu.lock();
        try {
            wakes++;
            changed.signalAll();
        } finally {
            mu.unlock();
        }
    }

    /**
     * Gives up the lock until {@link #wake}, a spurious wake-up or an interrupt, then takes it
     * again. Callers loop on their condition. ERESTARTSYS if the thread was interrupted.
     */
    public void await() {
        if (SPIN_NANOS > 0 && watch()) return;
        try {
            changed.await();
        } catch (InterruptedException e) {
            throw SyscallError.of(Errno.ERESTARTSYS);
        }
    }

    /**
     * Gives up the lock and watches for a wake-up for {@link #SPIN_NANOS}, yielding the CPU;
     * true if one came (the lock is taken again either way). A wake-up after the watch is not
     * lost: it counts under the lock, which is taken again before the caller sleeps.
     * ERESTARTSYS if the thread is interrupted meanwhile.
     */
    private boolean watch() {
        long seen = wakes;
        int holds = mu.getHoldCount();
        for (int i = 0; i < holds; i++) mu.unlock();
        try {
            long until = System.nanoTime() + SPIN_NANOS;
            while (wakes == seen && !Thread.currentThread().isInterrupted() && System.nanoTime() - until < 0) {
                Thread.yield();
            }
        } finally {
            for (int i = 0; i < holds; i++) mu.lock();
        }
        if (Thread.interrupted()) throw SyscallError.of(Errno.ERESTARTSYS);
        return wakes != seen;
    }

    /**
     * As {@link #await}, for at most {@code nanos}; returns at once if {@code nanos <= 0}.
     * An interrupt throws {@code errnoOnInterrupt} (each caller knows how its call restarts).
     */
    public void awaitNanos(long nanos, int errnoOnInterrupt) {
        if (nanos <= 0) return;
        try {
            changed.awaitNanos(nanos);
        } catch (InterruptedException e) {
            throw SyscallError.of(errnoOnInterrupt);
        }
    }

    /**
     * Runs {@code r} without the lock (a host call that may block: a terminal read), taking it
     * again afterwards. Only from a thread that holds the lock exactly once.
     */
    public <T> T unlocked(java.util.function.Supplier<T> r) {
        int holds = mu.getHoldCount();
        for (int i = 0; i < holds; i++) mu.unlock();
        try {
            return r.get();
        } finally {
            for (int i = 0; i < holds; i++) mu.lock();
        }
    }
}
