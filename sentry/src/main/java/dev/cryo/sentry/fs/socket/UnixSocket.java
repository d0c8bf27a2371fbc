package dev.cryo.sentry.fs.socket;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.ECONNREFUSED;
import static dev.cryo.sentry.abi.Errno.EMSGSIZE;
import static dev.cryo.sentry.abi.Errno.ENOTCONN;
import static dev.cryo.sentry.abi.Errno.EPIPE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.serializer.Savable;
import java.util.ArrayList;

/**
 * One end of a connected pair of Unix-domain sockets, as socketpair(2) makes them (Linux's
 * net/unix/af_unix.c): a stream, datagram or sequenced-packet socket whose receive queue holds
 * what its peer sent, files in flight included. Sending is limited by the sender's send buffer
 * (bytes its peer has not read yet), as Linux's by sk_wmem_alloc; a stream splits a large send
 * into pieces of half the buffer. Closing an end shuts the other's both ways (stream and
 * seqpacket: reads drain then see EOF, writes fail with EPIPE; ECONNRESET first if unread data
 * was thrown away); a datagram end's sends then fail with ECONNREFUSED, then ENOTCONN.
 *
 * <p>All state is plain saved state, so data and files in flight survive a checkpoint. Guarded
 * by the kernel lock, which every caller holds; a blocked sender or receiver waits on it.
 */
@Savable
public final class UnixSocket extends FileDescription {
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
    /** shutdown(2)'s bits as Linux keeps them (sk_shutdown). */
    public static final int RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2;
    public static final int MSG_PEEK = 0x2, MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40,
            MSG_WAITALL = 0x100;
    /** net.core.wmem_default and rmem_default: a new socket's buffers. */
    public static final int DEFAULT_BUFFER = 212992;
    /** What a message costs beyond its bytes (an sk_buff's overhead, roughly), so empty ones fill the buffer too. */
    private static final int OVERHEAD = 256;
    private static final long FIONREAD = 0x541B, SIOCOUTQ = 0x5411;
    private static final int POLLRDHUP = 0x2000, POLLWRBAND = 0x200;
    /** sockfs's device, as Linux shows it for every socket. */
    private static final long SOCKFS_DEV = Stat.makedev(0, 8);

    private KernelLock lock;
    private int type;
    private int protocol;
    private long ino;
    private UnixSocket peer;
    /** What the peer sent and this end has not read, oldest first. */
    private final ArrayList<Segment> queue = new ArrayList<>();
    /** The charge of what this end sent that its peer has not read (sk_wmem_alloc). */
    private long inFlight;
    private int shutdown;
    /** A pending error for the next receive or SO_ERROR (ECONNRESET), or 0. */
    private int error;
    private boolean closed;
    /** Made connected (socketpair): a stream end whose peer is gone reads EOF, not EINVAL. */
    private boolean everConnected;
    private int sndbuf = DEFAULT_BUFFER, rcvbuf = DEFAULT_BUFFER;
    private boolean passcred;
    /** SO_RCVTIMEO and SO_SNDTIMEO in nanoseconds; 0 waits forever. */
    private long rcvTimeout, sndTimeout;
    /** SO_PEERCRED: who made the pair. */
    private int credPid, credUid, credGid;
    /** Counts wake-ups of this end's waiters (data in, room made, shutdowns), for edge-triggered epoll. */
    private long events;

    private UnixSocket(KernelLock lock, int type, long ino, int statusFlags) {
        super(OpenFlags.O_RDWR | (statusFlags & OpenFlags.O_NONBLOCK));
        this.lock = lock;
        this.type = type;
        this.ino = ino;
    }

    /** For Kryo. */
    private UnixSocket() {}

    /** An end that is connected to nothing (socket(2)): it sends nothing, a stream one reads nothing. */
    public static UnixSocket unconnected(KernelLock lock, int type, int protocol, long ino, int statusFlags, int pid, int uid, int gid) {
        UnixSocket s = new UnixSocket(lock, type, ino, statusFlags);
        s.protocol = protocol;
        s.credPid = pid;
        s.credUid = uid;
        s.credGid = gid;
        return s;
    }

    /** Two connected ends of {@code type}, made by process {@code pid} with credentials uid, gid. */
    public static UnixSocket[] pair(KernelLock lock, int type, int protocol, long[] inos, int statusFlags, int pid, int uid, int gid) {
        UnixSocket a = new UnixSocket(lock, type, inos[0], statusFlags);
        UnixSocket b = new UnixSocket(lock, type, inos[1], statusFlags);
        a.peer = b;
        b.peer = a;
        for (UnixSocket s : new UnixSocket[] {a, b}) {
            s.everConnected = true;
            s.protocol = protocol;
            s.credPid = pid;
            s.credUid = uid;
            s.credGid = gid;
        }
        return new UnixSocket[] {a, b};
    }

    public int type() {
        return type;
    }

    /** SO_PROTOCOL: what socketpair was given (0 or PF_UNIX). */
    public int protocol() {
        return protocol;
    }

    private boolean stream() {
        return type == SOCK_STREAM;
    }

    /** Only a stream's EPIPE raises SIGPIPE (unix_stream_sendmsg); datagram and seqpacket ends fail quietly. */
    public boolean raisesSigpipe() {
        return stream();
    }

    private boolean nonblock(int msgFlags) {
        return (flags & OpenFlags.O_NONBLOCK) != 0 || (msgFlags & MSG_DONTWAIT) != 0;
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        Received r = recv(mem, Iov.of(addr, len), 0);
        if (r.rights() != null) for (FileDescription f : r.rights()) f.decRef(); // nowhere to put them
        return r.count();
    }

    @Override
    public long write(Usermem mem, long addr, long len) {
        // The system calls pass the writer's credentials; other paths (none yet) count as the pair's maker.
        return send(mem, Iov.of(addr, len), 0, null, peerCredentials());
    }

    /**
     * sendmsg: the bytes of {@code iov} and the files {@code rights} (each referenced once
     * already by the caller; dropped here if the send fails before they are queued).
     */
    public long send(Usermem mem, Iov iov, int msgFlags, FileDescription[] rights, int[] sender) {
        Segment carrier = new Segment(new byte[0], rights, 0); // holds the files until they are queued
        try {
            return stream() ? sendStream(mem, iov, msgFlags, carrier, sender) : sendMessage(mem, iov, msgFlags, carrier, sender);
        } finally {
            carrier.dropRights(); // not sent: a failed call, or a stream send of no bytes
        }
    }

    private boolean sendingClosed() {
        return (shutdown & SEND_SHUTDOWN) != 0 || peer == null || peer.closed || (peer.shutdown & RCV_SHUTDOWN) != 0;
    }

    private long sendStream(Usermem mem, Iov iov, int msgFlags, Segment carrier, int[] sender) {
        long len = iov.total();
        long sent = 0;
        long deadline = deadline(sndTimeout);
        if (peer == null) throw SyscallError.of(ENOTCONN); // never connected
        if (sendingClosed()) throw SyscallError.of(EPIPE);
        while (sent < len) {
            if (sendingClosed()) {
                if (sent > 0) return sent;
                throw SyscallError.of(EPIPE);
            }
            if (inFlight >= sndbuf) {
                if (nonblock(msgFlags)) {
                    if (sent > 0) return sent;
                    throw SyscallError.of(EAGAIN);
                }
                try {
                    waitUntil(deadline);
                } catch (SyscallError e) {
                    if (sent > 0) return sent; // a partial send is reported, not restarted
                    throw e;
                }
                continue;
            }
            int n = (int) Math.min(len - sent, (sndbuf >> 1) - 64);
            byte[] data;
            try {
                data = iov.gather(mem, sent, n);
            } catch (SyscallError e) {
                if (sent > 0) return sent;
                throw e;
            }
            deliver(segment(data, carrier, n, sender));
            sent += n;
        }
        return sent;
    }

    /** A segment of {@code data} that takes the carrier's files, if it still has them. */
    private static Segment segment(byte[] data, Segment carrier, int n, int[] sender) {
        Segment s = new Segment(data, carrier.rights, n + OVERHEAD);
        carrier.rights = null;
        s.pid = sender[0];
        s.uid = sender[1];
        s.gid = sender[2];
        return s;
    }

    private long sendMessage(Usermem mem, Iov iov, int msgFlags, Segment carrier, int[] sender) {
        long len = iov.total();
        if (type == SOCK_SEQPACKET && peer == null) throw SyscallError.of(ENOTCONN);
        if ((shutdown & SEND_SHUTDOWN) != 0) throw SyscallError.of(EPIPE);
        if (peer == null) throw SyscallError.of(ENOTCONN);
        if (peer.closed) {
            if (type == SOCK_SEQPACKET) throw SyscallError.of(EPIPE);
            peer = null; // unix_dgram_disconnected: this once ECONNREFUSED, then ENOTCONN
            throw SyscallError.of(ECONNREFUSED);
        }
        if (len > sndbuf - 32) throw SyscallError.of(EMSGSIZE);
        long deadline = deadline(sndTimeout);
        while (true) {
            if ((peer.shutdown & RCV_SHUTDOWN) != 0) throw SyscallError.of(EPIPE);
            if (inFlight < sndbuf) break;
            if (nonblock(msgFlags)) throw SyscallError.of(EAGAIN);
            waitUntil(deadline);
            if (peer == null || peer.closed) throw SyscallError.of(type == SOCK_SEQPACKET ? EPIPE : ECONNREFUSED);
        }
        byte[] data = iov.gather(mem, 0, (int) len);
        deliver(segment(data, carrier, (int) len, sender));
        return len;
    }

    private void deliver(Segment s) {
        peer.queue.add(s);
        inFlight += s.charge;
        peer.events++;
        lock.wake();
    }

    /**
     * What one receive got: the byte count to return, msg_flags, files received (or null), and
     * the sender's {pid, uid, gid} for SCM_CREDENTIALS (null unless SO_PASSCRED is on).
     */
    public record Received(long count, int msgFlags, FileDescription[] rights, int[] credentials) {}

    /** recvmsg: into {@code iov}; files that came are returned, referenced, for the caller to install. */
    public Received recv(Usermem mem, Iov iov, int msgFlags) {
        // Never connected: a stream is EINVAL, a seqpacket ENOTCONN; a datagram socket waits.
        if (peer == null && !everConnected && type != SOCK_DGRAM) {
            throw SyscallError.of(stream() ? dev.cryo.sentry.abi.Errno.EINVAL : ENOTCONN);
        }
        return stream() ? recvStream(mem, iov, msgFlags) : recvMessage(mem, iov, msgFlags);
    }

    private Received recvStream(Usermem mem, Iov iov, int msgFlags) {
        long len = iov.total();
        boolean peek = (msgFlags & MSG_PEEK) != 0;
        long target = (msgFlags & MSG_WAITALL) != 0 && !peek ? len : 1;
        long copied = 0;
        FileDescription[] got = null;
        int[] creds = null;
        long deadline = deadline(rcvTimeout);
        int at = 0; // with MSG_PEEK: the next segment to look at
        while (copied < len) {
            Segment s = peek ? (at < queue.size() ? queue.get(at) : null) : (queue.isEmpty() ? null : queue.get(0));
            if (s == null) {
                if (copied >= target) break;
                if (error != 0) {
                    if (copied > 0) break;
                    int e = error;
                    error = 0;
                    throw SyscallError.of(e);
                }
                if ((shutdown & RCV_SHUTDOWN) != 0) break;
                if (nonblock(msgFlags)) {
                    if (copied > 0) break;
                    throw SyscallError.of(EAGAIN);
                }
                try {
                    waitUntil(deadline);
                } catch (SyscallError e) {
                    if (copied > 0) break;
                    throw e;
                }
                continue;
            }
            // Files end what one call reads: none after a segment that carried some, and a
            // segment with files is not joined to bytes already read.
            if (s.rights != null && copied > 0) break;
            int n = (int) Math.min(s.remaining(), len - copied);
            iov.scatter(mem, copied, s.data, s.off, n);
            if (creds == null) creds = credentialsOf(s);
            copied += n;
            if (s.rights != null) got = peek ? referenced(s.rights) : take(s);
            if (peek) {
                at++;
            } else {
                s.off += n;
                if (s.remaining() == 0) consume(s);
            }
            if (got != null) break;
        }
        if (copied > 0 && !peek && peer != null) {
            peer.events++;
            lock.wake();
        }
        return new Received(copied, 0, got, creds);
    }

    private Received recvMessage(Usermem mem, Iov iov, int msgFlags) {
        boolean peek = (msgFlags & MSG_PEEK) != 0;
        long deadline = deadline(rcvTimeout);
        while (queue.isEmpty()) {
            if (error != 0) {
                int e = error;
                error = 0;
                throw SyscallError.of(e);
            }
            if ((shutdown & RCV_SHUTDOWN) != 0) return new Received(0, 0, null, null);
            if (nonblock(msgFlags)) throw SyscallError.of(EAGAIN);
            waitUntil(deadline);
        }
        Segment s = queue.get(0);
        int size = s.data.length;
        int n = (int) Math.min(size, iov.total());
        iov.scatter(mem, 0, s.data, 0, n);
        FileDescription[] got = s.rights == null ? null : peek ? referenced(s.rights) : take(s);
        if (!peek) {
            consume(s);
            if (peer != null) {
                peer.events++;
                lock.wake();
            }
        }
        int out = n < size ? MSG_TRUNC : 0;
        // With MSG_TRUNC asked, the datagram's real size is returned (unix_dgram_recvmsg).
        return new Received((msgFlags & MSG_TRUNC) != 0 ? size : n, out, got, credentialsOf(s));
    }

    private int[] credentialsOf(Segment s) {
        return passcred ? new int[] {s.pid, s.uid, s.gid} : null;
    }

    private void consume(Segment s) {
        queue.remove(s);
        if (peer != null) peer.inFlight -= s.charge;
    }

    private static FileDescription[] take(Segment s) {
        FileDescription[] r = s.rights;
        s.rights = null;
        return r;
    }

    /** MSG_PEEK of a message with files receives new references to them (scm_fp_dup). */
    private static FileDescription[] referenced(FileDescription[] r) {
        for (FileDescription f : r) f.incRef();
        return r.clone();
    }

    private static long deadline(long timeout) {
        return timeout == 0 ? 0 : System.nanoTime() + timeout;
    }

    /**
     * Waits for a change; with a timeout (deadline not 0), EAGAIN once it passes. A signal with
     * a handler ends a timed wait with EINTR (sock_intr_errno: only an unlimited wait restarts);
     * ERESTARTNOHAND gives that, and restarts a wait that a freeze, not a signal, ended.
     */
    private void waitUntil(long deadline) {
        if (deadline == 0) {
            lock.await();
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) throw SyscallError.of(EAGAIN);
        lock.awaitNanos(left, dev.cryo.sentry.abi.Errno.ERESTARTNOHAND);
    }

    /** shutdown(2): {@code how} is SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2), checked by the caller. */
    public void shutdown(int how) {
        int mask = how + 1; // SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN, SHUT_RDWR -> both
        shutdown |= mask;
        events++;
        // A connected stream or seqpacket peer sees the mirror: it can no longer send what this
        // end will not read, and reads EOF once this end stops sending.
        if (type != SOCK_DGRAM && peer != null && !peer.closed) {
            int mirror = ((mask & RCV_SHUTDOWN) != 0 ? SEND_SHUTDOWN : 0) | ((mask & SEND_SHUTDOWN) != 0 ? RCV_SHUTDOWN : 0);
            peer.shutdown |= mirror;
            peer.events++;
        }
        lock.wake();
    }

    /** getsockname and getpeername: ENOTCONN for a peer that is gone (a datagram end's, after a send told it). */
    public boolean connected() {
        return peer != null;
    }

    /** connect(2) on a stream or seqpacket end that has a peer: EISCONN. */
    public boolean connectionOriented() {
        return type != SOCK_DGRAM;
    }

    /** connect(2) with AF_UNSPEC on a datagram socket: it forgets its peer. */
    public void disconnect() {
        if (type == SOCK_DGRAM) peer = null;
    }

    /** SIOCINQ: a stream's unread bytes; a datagram socket's next message size. */
    public int unread() {
        if (queue.isEmpty()) return 0;
        if (!stream()) return queue.get(0).data.length;
        long n = 0;
        for (Segment s : queue) n += s.remaining();
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** SO_ERROR: the pending error, cleared. */
    public int takeError() {
        int e = error;
        error = 0;
        return e;
    }

    public int sendBuffer() {
        return sndbuf;
    }

    public int receiveBuffer() {
        return rcvbuf;
    }

    /** SO_SNDBUF and SO_RCVBUF: Linux doubles the value asked for, with floors of 4608 and 2304. */
    public void setBuffer(boolean send, int bytes) {
        long v = Math.max(0, Math.min(bytes, 212992)) * 2L; // capped by wmem_max/rmem_max
        if (send) sndbuf = (int) Math.max(v, 4608);
        else rcvbuf = (int) Math.max(v, 2304);
        events++;
        lock.wake(); // a bigger buffer may let a blocked sender go on
    }

    public boolean passcred() {
        return passcred;
    }

    public void setPasscred(boolean on) {
        passcred = on;
    }

    /** SO_RCVTIMEO (receive) or SO_SNDTIMEO, in nanoseconds; 0 for none. */
    public long timeout(boolean receive) {
        return receive ? rcvTimeout : sndTimeout;
    }

    public void setTimeout(boolean receive, long nanos) {
        if (receive) rcvTimeout = nanos;
        else sndTimeout = nanos;
    }

    /** SO_PEERCRED: {pid, uid, gid} of whoever made the pair. */
    public int[] peerCredentials() {
        return new int[] {credPid, credUid, credGid};
    }

    @Override
    public byte[] stat() {
        return Stat.synthetic(SOCKFS_DEV, ino, Stat.S_IFSOCK | 0777, 0, 4096, 0);
    }

    @Override
    public long ioctl(Usermem mem, long request, long arg) {
        if (request == FIONREAD) {
            mem.writeInt(arg, unread());
            return 0;
        }
        if (request == SIOCOUTQ) {
            long n = 0;
            if (peer != null) for (Segment s : peer.queue) n += s.remaining();
            mem.writeInt(arg, (int) Math.min(n, Integer.MAX_VALUE));
            return 0;
        }
        return super.ioctl(mem, request, arg);
    }

    /** unix_poll and unix_dgram_poll. */
    @Override
    public int pollReady() {
        int mask = 0;
        if (error != 0) mask |= POLLERR;
        if (shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN)) mask |= POLLHUP;
        if ((shutdown & RCV_SHUTDOWN) != 0) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
        if (!queue.isEmpty()) mask |= POLLIN | POLLRDNORM;
        if (type != SOCK_DGRAM && peer == null && !everConnected) mask |= POLLHUP; // TCP_CLOSE
        boolean writable = (inFlight << 2) <= sndbuf;
        if (type == SOCK_DGRAM && peer != null && peer.closed) writable = true; // the send fails at once
        if (writable) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
        return mask;
    }

    @Override
    public long pollEvents() {
        return events;
    }

    @Override
    public String path() {
        return "socket:[" + ino + "]";
    }

    @Override
    public String checkLoaded() {
        if (lock == null || queue == null) return "a socket without its lock or queue";
        if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET) return "a socket of type " + type;
        if (sndbuf <= 0 || rcvbuf <= 0 || inFlight < 0 || rcvTimeout < 0 || sndTimeout < 0) return "a socket with bad buffer state";
        if ((shutdown & ~(RCV_SHUTDOWN | SEND_SHUTDOWN)) != 0) return "a socket with bad shutdown bits";
        for (Segment s : queue) {
            if (s == null || s.data == null || s.off < 0 || s.off > s.data.length || s.charge < 0) return "a socket's bad queued message";
            if (s.rights != null) for (FileDescription f : s.rights) if (f == null) return "a socket message passing no file";
        }
        if (peer != null && peer.lock != lock) return "a socket whose peer has another lock";
        return super.checkLoaded();
    }

    /**
     * The last descriptor closed (unix_release_sock): files in flight to this end are dropped;
     * a stream or seqpacket peer is shut both ways, and reset if this end left data unread.
     */
    @Override
    protected void release() {
        closed = true;
        boolean unread = !queue.isEmpty();
        for (Segment s : queue) s.dropRights();
        queue.clear();
        if (peer != null) {
            peer.inFlight = 0;
            if (type != SOCK_DGRAM) {
                peer.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
                if (unread) peer.error = dev.cryo.sentry.abi.Errno.ECONNRESET;
            }
            peer.events++;
            peer = null; // unix_peer(sk) = NULL; the survivor keeps its pointer, and sees this end closed
        }
        inFlight = 0;
        lock.wake();
    }
}
