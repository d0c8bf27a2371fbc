package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EEXIST;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOENT;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.epoll.EpollFile;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** epoll (fs/eventpoll.c): create, control and wait, with Linux's argument checks in its order. */
final class SysEpoll {
    private SysEpoll() {}

    static final int CTL_ADD = 1, CTL_DEL = 2, CTL_MOD = 3;
    /** struct epoll_event is packed on x86-64: u32 events, u64 data. */
    static final int EVENT_SIZE = 12;
    /** EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
    static final int MAX_EVENTS = Integer.MAX_VALUE / EVENT_SIZE;

    static void register(SyscallTable t) {
        t.supported(Sysno.EPOLL_CREATE, SysEpoll::epollCreate, INT);
        t.supported(Sysno.EPOLL_CREATE1, SysEpoll::epollCreate1, HEX);
        t.partial(Sysno.EPOLL_CTL, "EPOLLEXCLUSIVE and EPOLLWAKEUP are accepted and have no effect",
                SysEpoll::epollCtl, FD, INT, FD, PTR);
        t.partial(Sysno.EPOLL_WAIT, "edge-triggered entries report again only once readiness fell; a freeze "
                + "restarts the wait with its whole timeout", SysEpoll::epollWait, FD, PTR, INT, INT);
        t.partial(Sysno.EPOLL_PWAIT, "as epoll_wait", SysEpoll::epollPwait, FD, PTR, INT, INT, PTR, SIZE);
        t.partial(Sysno.EPOLL_PWAIT2, "as epoll_wait", SysEpoll::epollPwait2, FD, PTR, INT, PTR, PTR, SIZE);
    }

    /** Implements Linux epoll_create(2): the size is only checked. */
    static long epollCreate(Task t) {
        if (t.intArg(0) <= 0) throw SyscallError.of(EINVAL);
        return create(t, 0);
    }

    /** Implements Linux epoll_create1(2). */
    static long epollCreate1(Task t) {
        int flags = t.intArg(0);
        if ((flags & ~OpenFlags.O_CLOEXEC) != 0) throw SyscallError.of(EINVAL);
        return create(t, flags);
    }

    private static long create(Task t, int flags) {
        EpollFile ep = new EpollFile(OpenFlags.O_RDWR, t.kernel().nextAnonInode());
        return t.fds().install(ep, (flags & OpenFlags.O_CLOEXEC) != 0, 0);
    }

    /** Implements Linux epoll_ctl(2). */
    static long epollCtl(Task t) {
        int epfd = t.intArg(0), op = t.intArg(1), fd = t.intArg(2);
        long eventAddr = t.arg(3);
        int events = 0;
        long data = 0;
        if (op != CTL_DEL) { // ep_op_has_event: copied before anything else is looked at
            ByteBuffer b = event(t.mm().usermem(), eventAddr);
            events = b.getInt(0);
            data = b.getLong(4);
        }
        FileDescription e = t.fds().get(epfd);
        FileDescription f = t.fds().get(fd);
        if (!EpollFile.pollable(f)) throw SyscallError.of(EPERM);
        if (!(e instanceof EpollFile ep) || f == e) throw SyscallError.of(EINVAL);
        if ((events & EpollFile.EPOLLEXCLUSIVE) != 0) {
            if (op == CTL_MOD) throw SyscallError.of(EINVAL);
            // Exclusive entries take only the plain event bits (EPOLLEXCLUSIVE_OK_BITS).
            int ok = EpollFile.EPOLLIN | EpollFile.EPOLLOUT | EpollFile.EPOLLERR | EpollFile.EPOLLHUP
                    | EpollFile.EPOLLWAKEUP | EpollFile.EPOLLET | EpollFile.EPOLLEXCLUSIVE;
            if (op == CTL_ADD && ((events & ~ok) != 0 || f instanceof EpollFile)) throw SyscallError.of(EINVAL);
        }
        switch (op) {
            case CTL_ADD -> {
                if (f instanceof EpollFile target && ep.wouldLoop(target)) throw SyscallError.of(dev.cryo.sentry.abi.Errno.ELOOP);
                if (!ep.add(fd, f, events, data)) throw SyscallError.of(EEXIST);
            }
            case CTL_DEL -> {
                if (!ep.remove(fd)) throw SyscallError.of(ENOENT);
            }
            case CTL_MOD -> {
                int had = ep.eventsOf(fd);
                if (had == -1) throw SyscallError.of(ENOENT);
                if ((had & EpollFile.EPOLLEXCLUSIVE) != 0) throw SyscallError.of(EINVAL);
                ep.modify(fd, events, data);
            }
            default -> throw SyscallError.of(EINVAL);
        }
        t.kernel().lock().wake(); // a waiter may have something to report now
        return 0;
    }

    private static ByteBuffer event(Usermem mem, long addr) {
        try {
            return ByteBuffer.wrap(mem.read(addr, EVENT_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (SyscallError e) {
            throw SyscallError.of(EFAULT);
        }
    }

    /** Implements Linux epoll_wait(2): the timeout in milliseconds, -1 for none. */
    static long epollWait(Task t) {
        int timeout = t.intArg(3);
        return doWait(t, timeout < 0 ? Long.MAX_VALUE : System.nanoTime() + timeout * 1_000_000L, timeout == 0);
    }

    /** Implements Linux epoll_pwait(2): epoll_wait with the signal mask set for the wait. */
    static long epollPwait(Task t) {
        int timeout = t.intArg(3);
        long deadline = timeout < 0 ? Long.MAX_VALUE : System.nanoTime() + timeout * 1_000_000L;
        return withMask(t, t.arg(4), t.arg(5), deadline, timeout == 0);
    }

    /** Implements Linux epoll_pwait2(2): the timeout a timespec (NULL for none). */
    static long epollPwait2(Task t) {
        long deadline = Long.MAX_VALUE;
        boolean zero = false;
        if (t.arg(3) != 0) {
            long ns = SysTime.readTimespec(t.mm().usermem(), t.arg(3));
            zero = ns == 0;
            deadline = System.nanoTime() + ns;
        }
        return withMask(t, t.arg(4), t.arg(5), deadline, zero);
    }

    private static long withMask(Task t, long maskAddr, long size, long deadline, boolean zero) {
        checkWaitArgs(t);
        if (maskAddr != 0) {
            if (size != 8) throw SyscallError.of(EINVAL);
            t.setTemporaryMask(t.mm().usermem().readLong(maskAddr));
        }
        return doWait(t, deadline, zero);
    }

    /** ep_check_params and the descriptor checks of do_epoll_wait, in their order. */
    private static EpollFile checkWaitArgs(Task t) {
        int max = t.intArg(2);
        if (max <= 0 || max > MAX_EVENTS) throw SyscallError.of(EINVAL);
        // access_ok: the range must lie in user space; whether it is mapped shows when written.
        long end = t.arg(1) + (long) max * EVENT_SIZE;
        if (t.arg(1) < 0 || end < t.arg(1) || end > t.mm().maxAddress()) throw SyscallError.of(EFAULT);
        FileDescription f = t.fds().get(t.intArg(0));
        if (!(f instanceof EpollFile ep)) throw SyscallError.of(EINVAL);
        return ep;
    }

    private static long doWait(Task t, long deadline, boolean noWait) {
        EpollFile ep = checkWaitArgs(t);
        int max = t.intArg(2);
        long addr = t.arg(1);
        var lock = t.kernel().lock();
        while (true) {
            List<EpollFile.Ready> ready = ep.collect(max, (fd, file) -> t.fds().isOpen(fd) && t.fds().get(fd) == file);
            long left = deadline - System.nanoTime();
            if (!ready.isEmpty() || noWait || left <= 0) {
                ByteBuffer b = ByteBuffer.allocate(ready.size() * EVENT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                for (EpollFile.Ready r : ready) b.putInt(r.events()).putLong(r.data());
                t.mm().usermem().write(addr, b.array());
                return ready.size();
            }
            // EINTR with a handler, a restart otherwise (the whole timeout again).
            SysPoll.awaitChange(lock, left, ep.watchesHost(), ep.pollDeadline());
        }
    }
}
