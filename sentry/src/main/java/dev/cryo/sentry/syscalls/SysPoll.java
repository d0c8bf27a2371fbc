package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FileDescription;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * poll, ppoll, select and pselect6 (fs/select.c) over each file's readiness ({@link FileDescription#pollReady}).
 * A waiting poll sleeps on the kernel lock's condition, which pipes signal; host descriptors
 * (the sandbox's stdio) are asked again every few milliseconds.
 */
final class SysPoll {
    private SysPoll() {}

    /** How often a poll that includes host descriptors looks at them again. */
    private static final long HOST_RECHECK_NANOS = 5_000_000L;

    static void register(SyscallTable t) {
        t.partial(Sysno.POLL, "a freeze restarts the wait with its whole timeout", SysPoll::poll, PTR, INT, INT);
        t.partial(Sysno.PPOLL, "the signal mask is not applied during the wait (signal delivery is not there yet)",
                SysPoll::ppoll, PTR, INT, PTR, HEX, SIZE);
        t.partial(Sysno.SELECT, "as poll", SysPoll::select, INT, PTR, PTR, PTR, PTR);
        t.partial(Sysno.PSELECT6, "as ppoll", SysPoll::pselect6, INT, PTR, PTR, PTR, PTR, PTR);
    }

    /** Implements Linux poll(2). */
    static long poll(Task t) {
        int timeout = t.intArg(2);
        long deadline = timeout < 0 ? Long.MAX_VALUE : System.nanoTime() + timeout * 1_000_000L;
        return doPoll(t, t.arg(0), t.arg(1), deadline, timeout == 0);
    }

    /** Implements Linux ppoll(2); the time left is written back to the timespec. */
    static long ppoll(Task t) {
        long tsAddr = t.arg(2);
        if (t.arg(3) != 0 && t.arg(4) != 8) throw SyscallError.of(EINVAL);
        long deadline = Long.MAX_VALUE;
        boolean zero = false;
        if (tsAddr != 0) {
            long ns = SysTime.readTimespec(t.mm().usermem(), tsAddr);
            zero = ns == 0;
            deadline = System.nanoTime() + ns;
        }
        long r = doPoll(t, t.arg(0), t.arg(1), deadline, zero);
        if (tsAddr != 0) SysTime.writeTimespec(t.mm().usermem(), tsAddr, Math.max(0, deadline - System.nanoTime()));
        return r;
    }

    /** Implements Linux select(2); the time left is written back to the timeval, as Linux does. */
    static long select(Task t) {
        long tvAddr = t.arg(4);
        long deadline = Long.MAX_VALUE;
        boolean zero = false;
        Usermem mem = t.mm().usermem();
        if (tvAddr != 0) {
            long sec = mem.readLong(tvAddr), usec = mem.readLong(tvAddr + 8);
            if (sec < 0 || usec < 0) throw SyscallError.of(EINVAL);
            sec += usec / 1_000_000; // kern_select normalises the microseconds
            usec %= 1_000_000;
            long ns = sec >= Long.MAX_VALUE / SysTime.NANOS / 2 ? Long.MAX_VALUE / 4 : sec * SysTime.NANOS + usec * 1000;
            zero = ns == 0;
            deadline = System.nanoTime() + ns;
        }
        long r = doSelect(t, t.intArg(0), t.arg(1), t.arg(2), t.arg(3), deadline, zero);
        if (tvAddr != 0) {
            long left = Math.max(0, deadline - System.nanoTime());
            mem.writeLong(tvAddr, left / SysTime.NANOS);
            mem.writeLong(tvAddr + 8, (left % SysTime.NANOS) / 1000);
        }
        return r;
    }

    /** Implements Linux pselect6(2): the sixth argument points at {sigset pointer, size}. */
    static long pselect6(Task t) {
        Usermem mem = t.mm().usermem();
        if (t.arg(5) != 0) {
            long set = mem.readLong(t.arg(5)), size = mem.readLong(t.arg(5) + 8);
            if (set != 0 && size != 8) throw SyscallError.of(EINVAL);
        }
        long tsAddr = t.arg(4);
        long deadline = Long.MAX_VALUE;
        boolean zero = false;
        if (tsAddr != 0) {
            long ns = SysTime.readTimespec(mem, tsAddr);
            zero = ns == 0;
            deadline = System.nanoTime() + ns;
        }
        long r = doSelect(t, t.intArg(0), t.arg(1), t.arg(2), t.arg(3), deadline, zero);
        if (tsAddr != 0) SysTime.writeTimespec(mem, tsAddr, Math.max(0, deadline - System.nanoTime()));
        return r;
    }

    /** Bits of each set a descriptor answers: readable, writable, exceptional (fs/select.c POLL*_SET). */
    private static final int IN_SET = FileDescription.POLLIN | FileDescription.POLLRDNORM | FileDescription.POLLHUP
            | FileDescription.POLLERR, OUT_SET = FileDescription.POLLOUT | FileDescription.POLLWRNORM
            | FileDescription.POLLERR, EX_SET = FileDescription.POLLPRI;

    private static long doSelect(Task t, int nfds, long in, long out, long ex, long deadline, boolean noWait) {
        if (nfds < 0) throw SyscallError.of(EINVAL);
        // Past the table nothing can be open: Linux stops at its max_fds, never below 64.
        nfds = Math.min(nfds, Math.max(64, t.fds().size()));
        Usermem mem = t.mm().usermem();
        int words = (nfds + 63) / 64;
        long[][] sets = {read(mem, in, words), read(mem, out, words), read(mem, ex, words)};
        int[] masks = {IN_SET, OUT_SET, EX_SET};
        for (int fd = 0; fd < nfds; fd++) {
            if (bit(sets, fd) && !t.fds().isOpen(fd)) throw SyscallError.of(Errno.EBADF);
        }
        KernelLock lock = t.kernel().lock();
        while (true) {
            long[][] result = new long[3][words];
            int ready = 0;
            boolean host = false;
            long until = Long.MAX_VALUE;
            for (int fd = 0; fd < nfds; fd++) {
                if (!bit(sets, fd)) continue;
                FileDescription f = t.fds().get(fd);
                host |= f.pollsHost();
                until = Math.min(until, f.pollDeadline());
                int r = f.pollReady();
                for (int k = 0; k < 3; k++) {
                    if (sets[k] != null && (sets[k][fd / 64] & (1L << (fd % 64))) != 0 && (r & masks[k]) != 0) {
                        result[k][fd / 64] |= 1L << (fd % 64);
                        ready++;
                    }
                }
            }
            long left = deadline - System.nanoTime();
            if (ready > 0 || noWait || left <= 0) {
                long[] addrs = {in, out, ex};
                for (int k = 0; k < 3; k++) if (addrs[k] != 0) write(mem, addrs[k], result[k], nfds);
                return ready;
            }
            awaitChange(lock, left, host, until);
        }
    }

    /**
     * Sleeps until a wake, the caller's timeout ({@code left} ns), a watched timer's expiry
     * ({@code until}, as System.nanoTime()), or the next look at host descriptors.
     */
    static void awaitChange(KernelLock lock, long left, boolean host, long until) {
        long wait = host ? Math.min(left, HOST_RECHECK_NANOS) : left;
        if (until != Long.MAX_VALUE) wait = Math.min(wait, Math.max(1, until - System.nanoTime()));
        lock.awaitNanos(wait == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : wait, Errno.ERESTARTNOHAND);
    }

    private static boolean bit(long[][] sets, int fd) {
        for (long[] s : sets) if (s != null && (s[fd / 64] & (1L << (fd % 64))) != 0) return true;
        return false;
    }

    /** An fd_set of {@code words} 64-bit words, or null for a NULL pointer. */
    private static long[] read(Usermem mem, long addr, int words) {
        if (addr == 0) return null;
        long[] s = new long[words];
        for (int i = 0; i < words; i++) s[i] = mem.readLong(addr + 8L * i);
        return s;
    }

    /** Writes back the words of the set that cover nfds descriptors, as Linux's set_fd_set. */
    private static void write(Usermem mem, long addr, long[] set, int nfds) {
        for (int i = 0; i < set.length; i++) mem.writeLong(addr + 8L * i, set[i]);
    }

    private static long doPoll(Task t, long addr, long nfds, long deadline, boolean noWait) {
        if (nfds < 0 || nfds > t.limits().soft(dev.cryo.sentry.kernel.Limits.NOFILE)) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        int n = (int) nfds;
        ByteBuffer b = ByteBuffer.wrap(mem.read(addr, n * 8)).order(ByteOrder.LITTLE_ENDIAN);
        KernelLock lock = t.kernel().lock();
        while (true) {
            int ready = 0;
            boolean host = false;
            long until = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                int fd = b.getInt(i * 8);
                int events = b.getShort(i * 8 + 4) & 0xffff;
                int revents = 0;
                if (fd >= 0) {
                    if (!t.fds().isOpen(fd)) {
                        revents = FileDescription.POLLNVAL;
                    } else {
                        FileDescription f = t.fds().get(fd);
                        host |= f.pollsHost();
                        until = Math.min(until, f.pollDeadline());
                        revents = f.pollReady() & (events | FileDescription.POLLERR | FileDescription.POLLHUP);
                    }
                }
                b.putShort(i * 8 + 6, (short) revents);
                if (revents != 0) ready++;
            }
            long left = deadline - System.nanoTime();
            if (ready > 0 || noWait || left <= 0) {
                mem.write(addr, b.array());
                return ready;
            }
            awaitChange(lock, left, host, until);
        }
    }
}
