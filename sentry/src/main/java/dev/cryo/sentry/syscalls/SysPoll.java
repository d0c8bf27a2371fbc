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
 * poll and ppoll (fs/select.c) over each file's readiness ({@link FileDescription#pollReady}).
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

    private static long doPoll(Task t, long addr, long nfds, long deadline, boolean noWait) {
        if (nfds < 0 || nfds > t.limits().soft(dev.cryo.sentry.kernel.Limits.NOFILE)) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        int n = (int) nfds;
        ByteBuffer b = ByteBuffer.wrap(mem.read(addr, n * 8)).order(ByteOrder.LITTLE_ENDIAN);
        KernelLock lock = t.kernel().lock();
        while (true) {
            int ready = 0;
            boolean host = false;
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
            long wait = host ? Math.min(left, HOST_RECHECK_NANOS) : left;
            lock.awaitNanos(wait == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : wait, Errno.ERESTARTNOHAND);
        }
    }
}
