package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EAFNOSUPPORT;
import static dev.cryo.sentry.abi.Errno.EDOM;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOPROTOOPT;
import static dev.cryo.sentry.abi.Errno.ENOTCONN;
import static dev.cryo.sentry.abi.Errno.ENOTSOCK;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static dev.cryo.sentry.abi.Errno.EPROTONOSUPPORT;
import static dev.cryo.sentry.abi.Errno.ESOCKTNOSUPPORT;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.socket.UnixSocket;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;

/**
 * socketpair and the calls that work on its sockets besides sending and receiving (Linux's
 * net/socket.c and net/unix/af_unix.c): shutdown, getsockname, getpeername, getsockopt and
 * setsockopt. Only Unix-domain pairs exist in a sandbox; socket, bind, connect, listen and
 * accept are not implemented (ENOSYS).
 */
final class SysSocket {
    private SysSocket() {}

    static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
    private static final int SOCK_RAW = 3, SOCK_MAX = 11, SOCK_TYPE_MASK = 0xf;
    private static final int SOCK_NONBLOCK = OpenFlags.O_NONBLOCK, SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6,
            SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_PRIORITY = 12, SO_LINGER = 13,
            SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO = 20,
            SO_SNDTIMEO = 21, SO_ACCEPTCONN = 30, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PROTOCOL = 38,
            SO_DOMAIN = 39;

    static void register(SyscallTable t) {
        t.partial(Sysno.SOCKET, "AF_UNIX only (other families, the network, are ENOSYS); such a socket connects to "
                + "nothing: bind and listen are not implemented, so connect finds no listener (ECONNREFUSED, or the "
                + "path's lookup error)", SysSocket::socketCall, INT, HEX, INT);
        t.partial(Sysno.CONNECT, "Unix sockets: no listener exists in a sandbox (ECONNREFUSED; ENOENT and the other "
                + "lookup errors for a path); AF_UNSPEC disconnects a datagram socket", SysSocket::connect, FD, PTR, INT);
        t.partial(Sysno.SOCKETPAIR, "AF_UNIX only (stream, datagram, seqpacket); other families EOPNOTSUPP or EAFNOSUPPORT",
                SysSocket::socketpair, INT, HEX, INT, PTR);
        t.supported(Sysno.SHUTDOWN, SysSocket::shutdown, FD, INT);
        t.supported(Sysno.GETSOCKNAME, SysSocket::getsockname, FD, PTR, PTR);
        t.supported(Sysno.GETPEERNAME, SysSocket::getpeername, FD, PTR, PTR);
        t.partial(Sysno.GETSOCKOPT, "SOL_SOCKET options of Unix sockets; other levels EOPNOTSUPP",
                SysSocket::getsockopt, FD, INT, INT, PTR, PTR);
        t.partial(Sysno.SETSOCKOPT, "SOL_SOCKET: buffers, timeouts and SO_PASSCRED take effect; "
                + "SO_REUSEADDR/KEEPALIVE/BROADCAST/DONTROUTE/OOBINLINE/PRIORITY/LINGER/RCVLOWAT are refused with ENOPROTOOPT",
                SysSocket::setsockopt, FD, INT, INT, PTR, INT);
        SysSocketIo.register(t);
    }

    /** The socket open at {@code fd}: EBADF if none, ENOTSOCK if it is another kind of file. */
    static UnixSocket socket(Task t, int fd) {
        FileDescription f = t.fds().getIo(fd);
        if (f instanceof UnixSocket s) return s;
        throw SyscallError.of(ENOTSOCK);
    }

    /** Implements Linux socket(2) for AF_UNIX; other families are not implemented (no network). */
    static long socketCall(Task t) {
        int family = t.intArg(0), typeArg = t.intArg(1), protocol = t.intArg(2);
        int flags = typeArg & ~SOCK_TYPE_MASK;
        if ((flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) throw SyscallError.of(EINVAL);
        int type = typeArg & SOCK_TYPE_MASK;
        if (family < 0 || family >= 46) throw SyscallError.of(EAFNOSUPPORT);
        if (type >= SOCK_MAX) throw SyscallError.of(EINVAL);
        if (family != AF_UNIX) throw SyscallError.of(dev.cryo.sentry.abi.Errno.ENOSYS); // counted: no network yet
        if (protocol != 0 && protocol != AF_UNIX) throw SyscallError.of(EPROTONOSUPPORT);
        if (type == SOCK_RAW) type = UnixSocket.SOCK_DGRAM;
        if (type != UnixSocket.SOCK_STREAM && type != UnixSocket.SOCK_DGRAM && type != UnixSocket.SOCK_SEQPACKET) {
            throw SyscallError.of(ESOCKTNOSUPPORT);
        }
        UnixSocket s = UnixSocket.unconnected(t.kernel().lock(), type, protocol, t.kernel().nextAnonInode(),
                flags & SOCK_NONBLOCK, t.tgid(), t.creds().euid, t.creds().egid);
        try {
            return t.fds().install(s, (flags & SOCK_CLOEXEC) != 0, 0);
        } catch (SyscallError e) {
            SysPipe.release(s);
            throw e;
        }
    }

    /**
     * Implements Linux connect(2) for Unix sockets. Nothing in a sandbox listens (bind and
     * listen are not implemented), and a socket file of the host is never reached: a path is
     * looked up in the sandbox's tree (its errors are the answer) and then refused.
     */
    static long connect(Task t) {
        UnixSocket s = socket(t, t.intArg(0));
        long addr = t.arg(1);
        int len = t.intArg(2);
        if (len < 0 || len > 128) throw SyscallError.of(EINVAL); // move_addr_to_kernel
        byte[] a = t.mm().usermem().read(addr, len);
        if (len >= 2 && (a[0] | a[1] << 8) == 0 && !s.connectionOriented()) { // AF_UNSPEC
            s.disconnect();
            return 0;
        }
        if (len <= 2 || len > 110 || (a[0] | a[1] << 8) != AF_UNIX) throw SyscallError.of(EINVAL); // unix_validate_addr
        if (s.connectionOriented() && s.connected()) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EISCONN);
        if (a[2] == 0) throw SyscallError.of(dev.cryo.sentry.abi.Errno.ECONNREFUSED); // an abstract name: none bound
        int end = 2;
        while (end < len && a[end] != 0) end++;
        String path = dev.cryo.sentry.vfs.VirtualFilesystem.pathString(java.util.Arrays.copyOfRange(a, 2, end));
        try (var n = SysFile.vfs(t).lookup(SysFile.base(t, SysFile.AT_FDCWD, path), path, true)) {
            n.stat(); // it exists (and may be searched): but no socket of the sandbox listens there
        }
        throw SyscallError.of(dev.cryo.sentry.abi.Errno.ECONNREFUSED);
    }

    /** Implements Linux socketpair(2). */
    static long socketpair(Task t) {
        int family = t.intArg(0), typeArg = t.intArg(1), protocol = t.intArg(2);
        long sv = t.arg(3);
        int flags = typeArg & ~SOCK_TYPE_MASK;
        if ((flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) throw SyscallError.of(EINVAL);
        int type = typeArg & SOCK_TYPE_MASK;
        Usermem mem = t.mm().usermem();
        mem.check(sv, 8, true);
        if (family < 0 || family >= 46) throw SyscallError.of(EAFNOSUPPORT); // NPROTO
        if (type >= SOCK_MAX) throw SyscallError.of(EINVAL);
        if (family != AF_UNIX) {
            // The host's other families make sockets but none of them pairs (sock_no_socketpair).
            boolean known = family == AF_INET || family == AF_INET6 || family == AF_NETLINK || family == AF_PACKET;
            throw SyscallError.of(known ? EOPNOTSUPP : EAFNOSUPPORT);
        }
        if (protocol != 0 && protocol != AF_UNIX) throw SyscallError.of(EPROTONOSUPPORT);
        if (type == SOCK_RAW) type = UnixSocket.SOCK_DGRAM; // as unix_create: BSD's AF_UNIX SOCK_RAW
        if (type != UnixSocket.SOCK_STREAM && type != UnixSocket.SOCK_DGRAM && type != UnixSocket.SOCK_SEQPACKET) {
            throw SyscallError.of(ESOCKTNOSUPPORT);
        }
        var k = t.kernel();
        UnixSocket[] ends = UnixSocket.pair(k.lock(), type, protocol, new long[] {k.nextAnonInode(), k.nextAnonInode()},
                flags & SOCK_NONBLOCK, t.tgid(), t.creds().euid, t.creds().egid);
        return SysPipe.installPair(t, ends[0], ends[1], (flags & SOCK_CLOEXEC) != 0, sv);
    }

    /** Implements Linux shutdown(2). */
    static long shutdown(Task t) {
        UnixSocket s = socket(t, t.intArg(0));
        int how = t.intArg(1);
        if (how < 0 || how > 2) throw SyscallError.of(EINVAL);
        s.shutdown(how);
        return 0;
    }

    /** Implements Linux getsockname(2): a socketpair's ends are unnamed. */
    static long getsockname(Task t) {
        socket(t, t.intArg(0));
        return unnamed(t, t.arg(1), t.arg(2));
    }

    /** Implements Linux getpeername(2). */
    static long getpeername(Task t) {
        UnixSocket s = socket(t, t.intArg(0));
        if (!s.connected()) throw SyscallError.of(ENOTCONN);
        return unnamed(t, t.arg(1), t.arg(2));
    }

    /** An unnamed Unix address: just sun_family, 2 bytes (unix_getname); as much as fits is copied. */
    private static long unnamed(Task t, long addr, long lenAddr) {
        Usermem mem = t.mm().usermem();
        int len = mem.readInt(lenAddr);
        if (len < 0) throw SyscallError.of(EINVAL);
        byte[] name = {AF_UNIX, 0};
        if (len > 0) mem.write(addr, name, 0, Math.min(len, name.length));
        mem.writeInt(lenAddr, name.length);
        return 0;
    }

    /** Implements Linux getsockopt(2). */
    static long getsockopt(Task t) {
        UnixSocket s = socket(t, t.intArg(0));
        int level = t.intArg(1), name = t.intArg(2);
        long val = t.arg(3), lenAddr = t.arg(4);
        Usermem mem = t.mm().usermem();
        int len = mem.readInt(lenAddr);
        if (level != SOL_SOCKET) throw SyscallError.of(EOPNOTSUPP); // unix sockets have no getsockopt op
        if (len < 0) throw SyscallError.of(EINVAL);
        byte[] v = switch (name) {
            case SO_TYPE -> ints(s.type());
            case SO_ERROR -> ints(s.takeError());
            case SO_SNDBUF -> ints(s.sendBuffer());
            case SO_RCVBUF -> ints(s.receiveBuffer());
            case SO_PASSCRED -> ints(s.passcred() ? 1 : 0);
            case SO_PEERCRED -> ints(s.peerCredentials());
            case SO_ACCEPTCONN -> ints(0);
            case SO_PROTOCOL -> ints(s.protocol());
            case SO_DOMAIN -> ints(AF_UNIX);
            case SO_RCVTIMEO, SO_SNDTIMEO -> timeval(s.timeout(name == SO_RCVTIMEO));
            case SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST, SO_DONTROUTE, SO_OOBINLINE, SO_PRIORITY -> ints(0);
            case SO_RCVLOWAT, SO_SNDLOWAT -> ints(1);
            case SO_LINGER -> ints(0, 0);
            default -> throw SyscallError.of(ENOPROTOOPT);
        };
        int n = Math.min(len, v.length);
        if (n > 0) mem.write(val, v, 0, n);
        mem.writeInt(lenAddr, n);
        return 0;
    }

    /** Implements Linux setsockopt(2). */
    static long setsockopt(Task t) {
        UnixSocket s = socket(t, t.intArg(0));
        int level = t.intArg(1), name = t.intArg(2), len = t.intArg(4);
        long val = t.arg(3);
        if (level != SOL_SOCKET) throw SyscallError.of(EOPNOTSUPP);
        if (len < 0) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        switch (name) {
            case SO_SNDBUF, SO_RCVBUF, SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_PASSCRED -> {
                if (len < 4) throw SyscallError.of(EINVAL);
                int v = mem.readInt(val);
                if (name == SO_PASSCRED) s.setPasscred(v != 0);
                else s.setBuffer(name == SO_SNDBUF || name == SO_SNDBUFFORCE, v);
            }
            case SO_RCVTIMEO, SO_SNDTIMEO -> s.setTimeout(name == SO_RCVTIMEO, timeout(mem, val, len));
            default -> throw SyscallError.of(ENOPROTOOPT);
        }
        return 0;
    }

    /** sock_set_timeout: a struct timeval; usec outside [0, 1e6) is EDOM, a negative time none at all, 0 forever. */
    private static long timeout(Usermem mem, long val, int len) {
        if (len < 16) throw SyscallError.of(EINVAL);
        long sec = mem.readLong(val), usec = mem.readLong(val + 8);
        if (usec < 0 || usec >= 1_000_000) throw SyscallError.of(EDOM);
        if (sec < 0) return 1; // Linux: a negative timeout means do not wait (a tick's worth)
        if (sec > Long.MAX_VALUE / 1_000_000_000L - 1) return 0;
        return sec * 1_000_000_000L + usec * 1000;
    }

    private static byte[] timeval(long nanos) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(nanos / 1_000_000_000L).putLong(nanos % 1_000_000_000L / 1000);
        return b.array();
    }

    static byte[] ints(int... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return b.array();
    }
}
