package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EDEADLK;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ERESTARTNOINTR;
import static dev.cryo.sentry.abi.Errno.ERESTARTSYS;
import static dev.cryo.sentry.abi.Errno.ESRCH;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Priority-inheritance futexes (Linux's kernel/futex/pi.c): the word holds its owner's TID, with
 * FUTEX_WAITERS once someone waits in the kernel, and an unlock hands the lock straight to the
 * oldest waiter (word = WAITERS | its TID). glibc's PTHREAD_PRIO_INHERIT mutexes use them on
 * contention. The Sentry schedules no priorities, so nothing is inherited: what is kept is
 * the protocol — ownership, hand-over, EDEADLK (itself or a chain of owners waiting back on
 * it), ESRCH for an owner that does not exist, EPERM for an unlock by another, and the hand-over
 * of a dying owner's locks, with FUTEX_OWNER_DIED if its robust list marked them.
 *
 * <p>Not saved, as the plain waits: a freeze interrupts every lock wait, which restarts and
 * queues again behind the owner the word names.
 */
final class PiFutexes {
    /** Owner chains walked for deadlock detection, at most (Linux's max_lock_depth). */
    private static final int MAX_DEPTH = 1024;

    private static final class Waiter {
        final Task task;
        boolean acquired;

        Waiter(Task task) {
            this.task = task;
        }
    }

    /** A PI futex someone waits for: its owner as last seen, and its waiters oldest first. */
    private static final class State {
        Task owner;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    }

    private final Map<Futexes.Key, State> states = new HashMap<>();
    /** The PI futex each blocked task waits for (the owner chain's links). */
    private final Map<Task, Futexes.Key> blockedOn = new HashMap<>();

    /** Whether a task waits on {@code key} in LOCK_PI (plain wakes of it are EINVAL then). */
    boolean hasWaiters(Futexes.Key key) {
        State s = states.get(key);
        return s != null && !s.waiters.isEmpty();
    }

    /**
     * FUTEX_LOCK_PI[2] and, with {@code tryOnly}, FUTEX_TRYLOCK_PI: takes the lock if the word
     * names no owner, else (not {@code tryOnly}) sleeps until an unlock hands it over, or until
     * {@code deadline} on {@code clock} (absolute; null for none). A signal or freeze restarts
     * the call (it never fails with EINTR). Kernel lock held.
     */
    int lock(Task t, long addr, boolean tryOnly, LongSupplier clock, long deadline) {
        Futexes.Key key = Futexes.key(t, addr);
        Usermem um = t.mm.usermem();
        int v = um.readInt(addr);
        int owner = v & Futexes.TID_MASK;
        if (owner == t.tid) throw SyscallError.of(EDEADLK);
        State s = states.get(key);
        if (owner == 0) {
            // Free (perhaps marked OWNER_DIED, which the new owner is to see): take it.
            int waiters = s != null && !s.waiters.isEmpty() ? Futexes.WAITERS : 0;
            um.writeInt(addr, (v & Futexes.OWNER_DIED) | waiters | t.tid);
            return 0;
        }
        // Owned: the waiters bit first, so that the owner's unlock comes here; it stays even if
        // what follows fails, as in futex_lock_pi_atomic.
        if ((v & Futexes.WAITERS) == 0) um.writeInt(addr, v | Futexes.WAITERS);
        Task o = t.kernel.task(owner);
        if (o == null || o.exited) throw SyscallError.of(ESRCH);
        if (tryOnly) throw SyscallError.of(EAGAIN);
        checkChain(t, o);
        if (s == null) states.put(key, s = new State());
        s.owner = o;
        Waiter w = new Waiter(t);
        s.waiters.add(w);
        blockedOn.put(t, key);
        try {
            Futexes.sleep(t, () -> w.acquired, clock, deadline, ERESTARTNOINTR);
            return 0;
        } catch (SyscallError e) {
            if (w.acquired) return 0; // handed over and interrupted at once: it owns the lock
            throw e.errno() == ERESTARTSYS ? SyscallError.of(ERESTARTNOINTR) : e;
        } finally {
            blockedOn.remove(t);
            if (!w.acquired) s.waiters.remove(w);
            if (s.waiters.isEmpty()) states.remove(key, s);
        }
    }

    /** EDEADLK if {@code owner}, or the owner of what it waits for, and so on, is {@code t}. */
    private void checkChain(Task t, Task owner) {
        Task o = owner;
        for (int depth = 0; o != null && depth < MAX_DEPTH; depth++) {
            if (o == t) throw SyscallError.of(EDEADLK);
            Futexes.Key k = blockedOn.get(o);
            State s = k == null ? null : states.get(k);
            o = s == null ? null : s.owner;
        }
        if (o != null) throw SyscallError.of(EDEADLK); // too deep: Linux gives up the same way
    }

    /**
     * FUTEX_UNLOCK_PI: only the owner the word names may unlock; the oldest waiter gets the lock
     * (word = WAITERS | its TID), or the word becomes 0. Kernel lock held.
     */
    int unlock(Task t, long addr) {
        Futexes.Key key = Futexes.key(t, addr);
        Usermem um = t.mm.usermem();
        int v = um.readInt(addr);
        if ((v & Futexes.TID_MASK) != t.tid) throw SyscallError.of(EPERM);
        if (!handOver(t.kernel, key, 0)) um.writeInt(addr, 0);
        return 0;
    }

    /**
     * A thread ends (after its robust list was walked): each PI futex it owns with waiters goes
     * to the oldest of them, keeping the OWNER_DIED mark the robust list may have set (Linux's
     * exit_pi_state_list, then the new owner's fixup). Kernel lock held.
     */
    void exited(Task t) {
        if (states.isEmpty()) return;
        for (Map.Entry<Futexes.Key, State> e : Map.copyOf(states).entrySet()) {
            if (e.getValue().owner != t) continue;
            Futexes.Key key = e.getKey();
            try {
                int v = key.mm().usermem().readInt(key.addr());
                handOver(t.kernel, key, v & Futexes.OWNER_DIED);
            } catch (SyscallError err) {
                // The word is gone (unmapped): its waiters stay until their timeouts or signals.
            }
        }
    }

    /** Gives {@code key}'s lock to its oldest waiter, if any: the word becomes {@code keep} | WAITERS | its TID. */
    private boolean handOver(Kernel k, Futexes.Key key, int keep) {
        State s = states.get(key);
        Waiter next = s == null ? null : s.waiters.poll();
        if (next == null) return false;
        key.mm().usermem().writeInt(key.addr(), keep | Futexes.WAITERS | next.task.tid);
        next.acquired = true;
        s.owner = next.task;
        k.lock().wake();
        return true;
    }
}
