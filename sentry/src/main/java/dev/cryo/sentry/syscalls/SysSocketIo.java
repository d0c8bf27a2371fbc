package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.ECONNREFUSED;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EISCONN;
import static dev.cryo.sentry.abi.Errno.EMSGSIZE;
import static dev.cryo.sentry.abi.Errno.ENOBUFS;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.syscalls.Arg.BUF_IN;
import static dev.cryo.sentry.syscalls.Arg.BUF_OUT;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.fs.socket.Iov;
import dev.cryo.sentry.fs.socket.UnixSocket;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * sendto, recvfrom, sendmsg and recvmsg on Unix socket pairs (net/socket.c, net/core/scm.c):
 * a struct msghdr's iovecs, and its control messages: SCM_RIGHTS passes open files, and
 * SCM_CREDENTIALS a sender's pid, uid and gid to a reader with SO_PASSCRED.
 */
final class SysSocketIo {
    private SysSocketIo() {}

    private static final int MSG_OOB = 0x1, MSG_CTRUNC = 0x8, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    /** SCM_MAX_FD: the most files one message carries. */
    private static final int SCM_MAX_FD = 253;
    private static final int CMSG_HDR = 16, MSGHDR = 56;
    /** net.core.optmem_max's default: the most control data one sendmsg takes. */
    private static final int OPTMEM_MAX = 131072;
    /** sizeof(struct sockaddr_storage) and sizeof(struct sockaddr_un). */
    private static final int SOCKADDR_STORAGE = 128, SOCKADDR_UN = 110;

    static void register(SyscallTable t) {
        String named = "a destination address on a datagram socket is refused with ECONNREFUSED "
                + "(no socket can be bound); MSG_OOB is EOPNOTSUPP";
        t.partial(Sysno.SENDTO, named, SysSocketIo::sendto, FD, BUF_IN, SIZE, HEX, PTR, INT);
        t.partial(Sysno.RECVFROM, "MSG_OOB is refused (EINVAL on a stream, else EOPNOTSUPP)",
                SysSocketIo::recvfrom, FD, BUF_OUT, SIZE, HEX, PTR, PTR);
        t.partial(Sysno.SENDMSG, named, SysSocketIo::sendmsg, FD, PTR, HEX);
        t.partial(Sysno.RECVMSG, "MSG_OOB is refused (EINVAL on a stream, else EOPNOTSUPP)",
                SysSocketIo::recvmsg, FD, PTR, HEX);
    }

    /** Implements Linux sendto(2). */
    static long sendto(Task t) {
        UnixSocket s = SysSocket.socket(t, t.intArg(0));
        long buf = t.arg(1), len = Math.min(t.arg(2), SysReadWrite.MAX_RW_COUNT);
        int flags = t.intArg(3);
        long addr = t.arg(4);
        int addrLen = t.intArg(5);
        byte[] name = null;
        if (addr != 0) {
            if (addrLen < 0 || addrLen > SOCKADDR_STORAGE) throw SyscallError.of(EINVAL);
            if (addrLen > 0) name = t.mm().usermem().read(addr, addrLen);
        }
        if (len < 0 || buf + len < buf) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EFAULT);
        return send(t, s, Iov.of(buf, len), flags, name, null, sender(t));
    }

    /** Implements Linux recvfrom(2). */
    static long recvfrom(Task t) {
        UnixSocket s = SysSocket.socket(t, t.intArg(0));
        long buf = t.arg(1), len = Math.min(t.arg(2), SysReadWrite.MAX_RW_COUNT);
        int flags = t.intArg(3);
        long addr = t.arg(4), lenAddr = t.arg(5);
        if (len < 0 || buf + len < buf) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EFAULT);
        checkOob(s, flags);
        UnixSocket.Received r = s.recv(t.mm().usermem(), Iov.of(buf, len), flags);
        drop(r.rights()); // no room for them: recvfrom has no control buffer
        if (addr != 0) unnamedSender(t.mm().usermem(), lenAddr);
        return r.count();
    }

    /** Implements Linux sendmsg(2). */
    static long sendmsg(Task t) {
        UnixSocket s = SysSocket.socket(t, t.intArg(0));
        int flags = t.intArg(2);
        Usermem mem = t.mm().usermem();
        ByteBuffer h = header(mem, t.arg(1));
        byte[] name = null;
        long nameAddr = h.getLong(0);
        int nameLen = h.getInt(8);
        if (nameLen < 0) throw SyscallError.of(EINVAL);
        if (nameAddr != 0 && nameLen > 0) name = mem.read(nameAddr, Math.min(nameLen, SOCKADDR_STORAGE));
        Iov iov = iovec(mem, h.getLong(16), h.getLong(24));
        long control = h.getLong(32), controlLen = h.getLong(40);
        // sock_kmalloc: a control buffer past net.core.optmem_max is ENOBUFS (never a huge copy).
        if (controlLen > OPTMEM_MAX || controlLen < 0) throw SyscallError.of(ENOBUFS);
        int[] creds = sender(t);
        FileDescription[] rights = controlLen == 0 ? null : parseControl(t, mem.read(control, (int) controlLen), creds);
        return send(t, s, iov, flags, name, rights, creds);
    }

    /** Implements Linux recvmsg(2). */
    static long recvmsg(Task t) {
        UnixSocket s = SysSocket.socket(t, t.intArg(0));
        int flags = t.intArg(2);
        long msg = t.arg(1);
        Usermem mem = t.mm().usermem();
        ByteBuffer h = header(mem, msg);
        if (h.getInt(8) < 0) throw SyscallError.of(EINVAL);
        Iov iov = iovec(mem, h.getLong(16), h.getLong(24));
        long control = h.getLong(32), controlLen = h.getLong(40);
        checkOob(s, flags);
        UnixSocket.Received r = s.recv(mem, iov, flags);
        int msgFlags = r.msgFlags();
        ControlOut out = new ControlOut(control, controlLen < 0 ? 0 : controlLen);
        if (r.credentials() != null) out.put(SCM_CREDENTIALS, SysSocket.ints(r.credentials()));
        if (r.rights() != null) out.putRights(t, r.rights(), (flags & MSG_CMSG_CLOEXEC) != 0);
        if (h.getLong(0) != 0) mem.writeInt(msg + 8, 0); // the sender is unnamed
        mem.write(control, out.bytes(), 0, out.used());
        mem.writeLong(msg + 40, out.used());
        mem.writeInt(msg + 48, msgFlags | (out.truncated ? MSG_CTRUNC : 0));
        return r.count();
    }

    /** The sender's credentials as a message records them: its pid (thread group), euid, egid. */
    static int[] sender(Task t) {
        return new int[] {t.tgid(), t.creds().euid, t.creds().egid};
    }

    /** Sends through {@code s}, for write and writev too; a stream's EPIPE raises SIGPIPE unless MSG_NOSIGNAL. */
    static long send(Task t, UnixSocket s, Iov iov, int flags, byte[] name, FileDescription[] rights, int[] creds) {
        try {
            if ((flags & MSG_OOB) != 0) throw SyscallError.of(EOPNOTSUPP);
            if (name != null) destination(s, name);
        } catch (SyscallError e) {
            drop(rights);
            throw e;
        }
        try {
            return s.send(t.mm().usermem(), iov, flags, rights, creds); // which drops the files if it fails
        } catch (SyscallError e) {
            if (s.raisesSigpipe() && (flags & MSG_NOSIGNAL) == 0) throw SysReadWrite.sigpipeOn(t, e);
            throw e;
        }
    }

    /** Receives through {@code s} for read and readv: files that came with the bytes have nowhere to go. */
    static long recv(Task t, UnixSocket s, Iov iov) {
        UnixSocket.Received r = s.recv(t.mm().usermem(), iov, 0);
        drop(r.rights());
        return r.count();
    }

    private static void drop(FileDescription[] files) {
        if (files != null) for (FileDescription f : files) f.decRef();
    }

    /**
     * A destination address: EISCONN on a stream (already connected); ignored by seqpacket
     * (unix_seqpacket_sendmsg); on a datagram socket checked (unix_validate_addr) and refused,
     * since nothing in a sandbox can be bound to receive at an address.
     */
    private static void destination(UnixSocket s, byte[] name) {
        if (s.type() == UnixSocket.SOCK_STREAM) throw SyscallError.of(EISCONN);
        if (s.type() == UnixSocket.SOCK_SEQPACKET) return;
        if (name.length <= 2 || name.length > SOCKADDR_UN || (name[0] | name[1] << 8) != SysSocket.AF_UNIX) {
            throw SyscallError.of(EINVAL);
        }
        throw SyscallError.of(ECONNREFUSED);
    }

    private static void checkOob(UnixSocket s, int flags) {
        if ((flags & MSG_OOB) != 0) throw SyscallError.of(s.type() == UnixSocket.SOCK_STREAM ? EINVAL : EOPNOTSUPP);
    }

    /** recvfrom's address of an unnamed sender: nothing copied, a length of 0 (move_addr_to_user). */
    private static void unnamedSender(Usermem mem, long lenAddr) {
        if (mem.readInt(lenAddr) < 0) throw SyscallError.of(EINVAL);
        mem.writeInt(lenAddr, 0);
    }

    private static ByteBuffer header(Usermem mem, long addr) {
        return ByteBuffer.wrap(mem.read(addr, MSGHDR)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A msghdr's iovec array: as readv's, but EMSGSIZE past UIO_MAXIOV (copy_msghdr_from_user). */
    static Iov iovec(Usermem mem, long addr, long count) {
        return SysReadWrite.iovec(mem, addr, count, EMSGSIZE);
    }

    /**
     * __scm_send: walks the control messages; SCM_RIGHTS takes a reference on each file named
     * (EBADF for a closed descriptor, EINVAL past SCM_MAX_FD), SCM_CREDENTIALS replaces the
     * sender's credentials (a process may only claim its own unless it is root); other
     * SOL_SOCKET types are EINVAL, other levels ignored.
     */
    private static FileDescription[] parseControl(Task t, byte[] control, int[] creds) {
        ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.LITTLE_ENDIAN);
        List<FileDescription> files = new ArrayList<>();
        int off = 0;
        while (control.length - off >= CMSG_HDR) {
            long len = b.getLong(off);
            if (len < CMSG_HDR || len > control.length - off) throw SyscallError.of(EINVAL);
            int level = b.getInt(off + 8), type = b.getInt(off + 12);
            if (level == SOL_SOCKET) {
                if (type == SCM_RIGHTS) {
                    int n = (int) ((len - CMSG_HDR) / 4);
                    if (files.size() + n > SCM_MAX_FD) throw SyscallError.of(EINVAL);
                    for (int i = 0; i < n; i++) {
                        FileDescription f = t.fds().get(b.getInt(off + CMSG_HDR + 4 * i));
                        if (f == null) throw SyscallError.of(EBADF);
                        files.add(f);
                    }
                } else if (type == SCM_CREDENTIALS) {
                    if (len != CMSG_HDR + 12) throw SyscallError.of(EINVAL);
                    int pid = b.getInt(off + 16), uid = b.getInt(off + 20), gid = b.getInt(off + 24);
                    boolean root = t.creds().euid == 0;
                    if (!root && (pid != t.tgid() || uid != t.creds().euid && uid != t.creds().ruid && uid != t.creds().suid
                            || gid != t.creds().egid && gid != t.creds().rgid && gid != t.creds().sgid)) {
                        throw SyscallError.of(EPERM);
                    }
                    creds[0] = pid;
                    creds[1] = uid;
                    creds[2] = gid;
                } else {
                    throw SyscallError.of(EINVAL);
                }
            }
            off += (int) ((len + 7) & ~7L);
        }
        if (files.isEmpty()) return null;
        for (FileDescription f : files) f.incRef();
        return files.toArray(new FileDescription[0]);
    }

    /** The control buffer a recvmsg fills (put_cmsg and scm_detach_fds). */
    private static final class ControlOut {
        private final long addr;
        private final long cap;
        private final ByteBuffer buf;
        boolean truncated;

        ControlOut(long addr, long cap) {
            this.addr = addr;
            this.cap = addr == 0 ? 0 : Math.min(cap, 1 << 16);
            this.buf = ByteBuffer.allocate((int) this.cap).order(ByteOrder.LITTLE_ENDIAN);
        }

        int used() {
            return buf.position();
        }

        byte[] bytes() {
            return buf.array();
        }

        /** put_cmsg: as much as fits, MSG_CTRUNC if not all. */
        void put(int type, byte[] data) {
            if (buf.remaining() < CMSG_HDR) {
                truncated = true;
                return;
            }
            int len = CMSG_HDR + data.length;
            int fits = Math.min(len, buf.remaining());
            if (fits < len) truncated = true;
            ByteBuffer c = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
            c.putLong(len).putInt(SOL_SOCKET).putInt(type).put(data);
            buf.put(c.array(), 0, fits);
            int pad = Math.min(((len + 7) & ~7) - len, buf.remaining());
            buf.position(buf.position() + pad);
        }

        /** scm_detach_fds: installs as many files as the buffer has room for; the rest are dropped, MSG_CTRUNC. */
        void putRights(Task t, FileDescription[] rights, boolean cloexec) {
            int room = buf.remaining() > CMSG_HDR ? (buf.remaining() - CMSG_HDR) / 4 : 0;
            int max = Math.min(room, rights.length);
            List<Integer> fds = new ArrayList<>();
            for (int i = 0; i < rights.length; i++) {
                if (i < max) {
                    try {
                        fds.add(t.fds().install(rights[i], cloexec, 0));
                        rights[i].decRef(); // the table holds it now
                        continue;
                    } catch (SyscallError e) {
                        max = i; // EMFILE: no more
                    }
                }
                rights[i].decRef();
            }
            if (fds.size() < rights.length) truncated = true;
            if (fds.isEmpty()) return;
            int[] v = new int[fds.size()];
            for (int i = 0; i < v.length; i++) v[i] = fds.get(i);
            put(SCM_RIGHTS, SysSocket.ints(v));
        }
    }
}
