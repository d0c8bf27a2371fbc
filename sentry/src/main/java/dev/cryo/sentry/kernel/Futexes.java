package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ERESTARTNOHAND;
import static dev.cryo.sentry.abi.Errno.ERESTARTSYS;
import static dev.cryo.sentry.abi.Errno.ETIMEDOUT;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The futex wait queues (Linux's kernel/futex): tasks waiting for a word of their memory to be
 * woken. Everything runs under the kernel lock, so checking the word and queueing are one step
 * that no wake can fall between; the waits sleep without it.
 *
 * <p>Not saved: no task is waiting in a frozen kernel. A freeze interrupts every wait, which
 * then restarts (the word is checked again after the restore, so a wake that came before the
 * freeze is not lost: its waker changed the word first, as futex users must).
 */
public final class Futexes {
    /** FUTEX_BITSET_MATCH_ANY: what the plain ops wait and wake with. */
    public static final int BITSET_ANY = 0xffffffff;
    static final int WAITERS = 0x80000000, OWNER_DIED = 0x40000000, TID_MASK = 0x3fffffff;
    /** ROBUST_LIST_LIMIT: how many robust entries a dying thread's list is walked for, at most. */
    private static final int ROBUST_LIMIT = 2048;

    /**
     * A futex word: the memory manager and address. Words of MAP_SHARED memory in two processes
     * are two keys here (the syscall table notes it): threads share their memory manager.
     */
    record Key(MemoryManager mm, long addr) {}

    private static final class Waiter {
        Key key;
        final int bitset;
        boolean woken;

        Waiter(Key key, int bitset) {
            this.key = key;
            this.bitset = bitset;
        }
    }

    /** In arrival order: a wake takes the oldest first, as Linux's priority list does among equals. */
    private final List<Waiter> waiters = new ArrayList<>();
    private final PiFutexes pi = new PiFutexes();

    /** The priority-inheritance locks (FUTEX_LOCK_PI and the rest). Kernel lock held. */
    public int lockPi(Task t, long addr, boolean tryOnly, LongSupplier clock, long deadline) {
        return pi.lock(t, addr, tryOnly, clock, deadline);
    }

    public int unlockPi(Task t, long addr) {
        return pi.unlock(t, addr);
    }

    static Key key(Task t, long addr) {
        if ((addr & 3) != 0) throw SyscallError.of(EINVAL);
        return new Key(t.mm, addr);
    }

    /**
     * FUTEX_WAIT[_BITSET]: sleeps while the word at {@code addr} holds {@code val}, until a wake
     * with a matching bit, or {@code deadline} (nanoseconds on {@code clock}; {@code clock} null
     * for no timeout). EAGAIN if the word differs, ETIMEDOUT, or a restart on a signal or freeze.
     * Kernel lock held.
     */
    public int await(Task t, long addr, int val, int bitset, LongSupplier clock, long deadline) {
        if (bitset == 0) throw SyscallError.of(EINVAL);
        Key key = key(t, addr);
        if (t.mm.usermem().readInt(addr) != val) throw SyscallError.of(EAGAIN);
        Waiter w = new Waiter(key, bitset);
        waiters.add(w);
        try {
            // A timed wait restarts only without a handler: it cannot continue from its restart
            // block here, so a relative timeout would start again (futex_wait_restart).
            sleep(t, () -> w.woken, clock, deadline, clock == null ? ERESTARTSYS : ERESTARTNOHAND);
            return 0;
        } catch (SyscallError e) {
            if (w.woken) return 0; // woken and interrupted at once: the wake counts
            throw e;
        } finally {
            waiters.remove(w);
        }
    }

    /**
     * Sleeps, the kernel lock given up, until {@code done}; or until {@code deadline} on
     * {@code clock} (ETIMEDOUT; null clock: no deadline), a freeze or an interrupt
     * ({@code onInterrupt}; ERESTARTSYS for an interrupt of an untimed sleep). Kernel lock held.
     */
    static void sleep(Task t, java.util.function.BooleanSupplier done, LongSupplier clock, long deadline, int onInterrupt) {
        KernelLock lock = t.kernel.lock();
        while (!done.getAsBoolean()) {
            if (t.freezePending()) throw SyscallError.of(onInterrupt);
            if (clock == null) {
                lock.await();
            } else {
                long left = deadline - clock.getAsLong();
                if (left <= 0) throw SyscallError.of(ETIMEDOUT);
                lock.awaitNanos(left, onInterrupt);
            }
        }
    }

    /** FUTEX_WAKE[_BITSET]: wakes up to {@code n} waiters on the word; returns how many. Kernel lock held. */
    public int wake(Task t, long addr, int n, int bitset) {
        if (bitset == 0) throw SyscallError.of(EINVAL);
        Key key = key(t, addr);
        if (pi.hasWaiters(key)) throw SyscallError.of(EINVAL); // a PI futex: only UNLOCK_PI wakes (futex_wake)
        return wakeKey(t.kernel, key, n, bitset);
    }

    private int wakeKey(Kernel k, Key key, int n, int bitset) {
        int woken = 0;
        for (Waiter w : waiters) {
            if (!w.woken && w.key.equals(key) && (w.bitset & bitset) != 0) {
                w.woken = true;
                if (++woken >= n) break; // as futex_wake counts: 0 or less still wakes one
            }
        }
        if (woken > 0) k.lock().wake();
        return woken;
    }

    /**
     * FUTEX_[CMP_]REQUEUE: wakes up to {@code nWake} waiters on {@code addr} and moves up to
     * {@code nMove} more to {@code addr2}; with {@code cmp}, only if the word still holds
     * {@code expected} (EAGAIN otherwise). Returns the woken plus the moved. Kernel lock held.
     */
    public int requeue(Task t, long addr, long addr2, int nWake, int nMove, boolean cmp, int expected) {
        if (nWake < 0 || nMove < 0) throw SyscallError.of(EINVAL);
        Key from = key(t, addr), to = key(t, addr2);
        if (cmp && t.mm.usermem().readInt(addr) != expected) throw SyscallError.of(EAGAIN);
        int woken = 0, moved = 0;
        for (Waiter w : waiters) {
            if (w.woken || !w.key.equals(from)) continue;
            if (woken < nWake) {
                w.woken = true;
                woken++;
            } else if (moved < nMove) {
                w.key = to;
                moved++;
            } else {
                break;
            }
        }
        if (woken > 0) t.kernel.lock().wake();
        return woken + moved;
    }

    /**
     * FUTEX_WAKE_OP: changes the word at {@code addr2} by the operation encoded in {@code op},
     * wakes up to {@code n} on {@code addr}, and up to {@code n2} on {@code addr2} if its old
     * value passed the encoded comparison. Kernel lock held.
     */
    public int wakeOp(Task t, long addr, long addr2, int n, int n2, int op) {
        Key k1 = key(t, addr), k2 = key(t, addr2);
        int kind = (op >>> 28) & 7, cmp = (op >>> 24) & 15;
        int oparg = (op << 8) >> 20, cmparg = (op << 20) >> 20; // sign-extended 12-bit fields
        if ((op & 0x80000000) != 0) { // FUTEX_OP_OPARG_SHIFT
            if (oparg < 0 || oparg > 31) oparg &= 31; // Linux warns and masks
            oparg = 1 << oparg;
        }
        Usermem um = t.mm.usermem();
        int old = um.readInt(addr2);
        int now = switch (kind) {
            case 0 -> oparg;        // SET
            case 1 -> old + oparg;  // ADD
            case 2 -> old | oparg;  // OR
            case 3 -> old & ~oparg; // ANDN
            case 4 -> old ^ oparg;  // XOR
            default -> throw SyscallError.LINUX_ENOSYS; // as futex_atomic_op_inuser
        };
        boolean pass = switch (cmp) {
            case 0 -> old == cmparg;
            case 1 -> old != cmparg;
            case 2 -> old < cmparg;
            case 3 -> old <= cmparg;
            case 4 -> old > cmparg;
            case 5 -> old >= cmparg;
            default -> throw SyscallError.LINUX_ENOSYS; // as futex_atomic_op_inuser
        };
        um.writeInt(addr2, now);
        int woken = wakeKey(t.kernel, k1, n, BITSET_ANY);
        if (pass) woken += wakeKey(t.kernel, k2, n2, BITSET_ANY);
        return woken;
    }

    /**
     * exit_robust_list: every futex the dying thread held through its robust list is marked
     * FUTEX_OWNER_DIED and one waiter woken, so that the next locker learns (EOWNERDEAD). Faults
     * end the walk quietly, as in Linux. Kernel lock held.
     */
    static void exitRobustList(Task t) {
        exitList(t);
        t.kernel.futexes().pi.exited(t); // then its PI locks go to their waiters, with the list's OWNER_DIED marks
    }

    private static void exitList(Task t) {
        long head = t.robustListHead;
        if (head == 0) return;
        t.robustListHead = 0;
        Usermem um = t.mm.usermem();
        try {
            long entry = um.readLong(head);
            long offset = um.readLong(head + 8);
            long pending = um.readLong(head + 16) & ~1L;
            for (int i = 0; i < ROBUST_LIMIT && (entry & ~1L) != head; i++) {
                long e = entry & ~1L;
                long next = um.readLong(e); // read before the entry is released
                if (e != pending) ownerDied(t, e + offset);
                entry = next;
            }
            if (pending != 0) ownerDied(t, pending + offset);
        } catch (SyscallError e) {
            // EFAULT: a broken list ends the walk (handle_futex_death's callers give up too).
        }
    }

    private static void ownerDied(Task t, long addr) {
        if ((addr & 3) != 0) return;
        Usermem um = t.mm.usermem();
        int v = um.readInt(addr);
        if ((v & TID_MASK) != t.tid) return;
        um.writeInt(addr, (v & WAITERS) | OWNER_DIED);
        if ((v & WAITERS) != 0) t.kernel.futexes().wakeKey(t.kernel, new Key(t.mm, addr), 1, BITSET_ANY);
    }
}
