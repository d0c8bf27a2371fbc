package dev.cryo.sentry.fs.host;

import static dev.cryo.sentry.abi.Errno.ENOTTY;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.host.HostErrors;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.AfterLoad;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;

/**
 * One of the cryo process's own stdin/stdout/stderr, given to the program as its fd 0, 1 or 2.
 * I/O, fstat, lseek and the two terminal queries programs make (TCGETS, TIOCGWINSZ) pass
 * through to the host descriptor; nothing that could change the host terminal does.
 *
 * <p>Saved as which of the three it is; after a restore it is a dup of the restoring process's
 * descriptor of that number, made on first use (the program's output goes wherever the
 * restoring {@code cryo} process's output goes).
 */
@Savable
public final class HostStdio extends FileDescription implements AfterLoad {
    private static final long TCGETS = 0x5401, TIOCGWINSZ = 0x5413, FIONREAD = 0x541B;
    /** The kernel's struct termios (not glibc's): 4 flags, c_line, c_cc[19]. */
    private static final int TERMIOS_SIZE = 36, WINSIZE_SIZE = 8;

    /** Which of the cryo process's descriptors (0, 1, 2) this is. */
    private int stdFd;
    /** Dup of the cryo process's {@link #stdFd} while {@link #hostOpen}, else -1. */
    @Rebuilt("host fd: dup'ed again from the restoring process's stdFd in fd(); -1 from afterLoad until then")
    private transient int hostFd;
    @Rebuilt("false after load (its default): fd() dups stdFd again")
    private transient boolean hostOpen;
    @Rebuilt("false after load: a released description is in no table, so never in an image")
    private transient boolean released;
    /** The kernel lock, given up while a read waits for the host (null in tests without a kernel). */
    private KernelLock lock;

    HostStdio(int hostFd, int flags, int stdFd) {
        super(flags);
        this.hostFd = hostFd;
        this.stdFd = stdFd;
        this.hostOpen = true;
    }

    /** For Kryo. */
    HostStdio() {
        this.hostFd = -1;
    }

    @Override
    public void afterLoad(Object env) {
        hostFd = -1;
        hostOpen = false;
        released = false;
    }

    /** Which of the cryo process's descriptors (0, 1, 2) this is. */
    public int stdFd() {
        return stdFd;
    }

    /** Gives the program dups of the cryo process's own stdin, stdout and stderr as fds 0-2. */
    public static void install(FdTable fds) {
        install(fds, null);
    }

    /** As {@link #install(FdTable)}; reads that wait for input release {@code lock} meanwhile. */
    public static void install(FdTable fds, KernelLock lock) {
        for (int fd = 0; fd < 3; fd++) {
            int hostFd = Host.dup(fd);
            int flags;
            try {
                flags = Host.fcntl(hostFd, 3 /* F_GETFL */, 0) & ~OpenFlags.O_CLOEXEC;
            } catch (HostException e) {
                flags = fd == 0 ? OpenFlags.O_RDONLY : OpenFlags.O_WRONLY;
            }
            HostStdio d = new HostStdio(hostFd, flags, fd);
            d.lock = lock;
            fds.installAt(fd, d, false);
        }
    }

    private int fd() {
        if (released) throw badf();
        if (!hostOpen) {
            try {
                hostFd = Host.dup(stdFd);
            } catch (HostException e) {
                throw HostErrors.toGuest(e);
            }
            hostOpen = true;
        }
        return hostFd;
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        int fd = fd();
        if ((flags & OpenFlags.O_NONBLOCK) == 0) {
            if (lock == null) {
                waitReadable(fd);
            } else {
                lock.unlocked(() -> {
                    waitReadable(fd);
                    return null;
                });
            }
        }
        try {
            return mem.visit(addr, len, true, (h, n) -> Host.read(fd, h, n));
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    /**
     * Blocks until the host descriptor has input, in short polls, so that a freeze (which
     * interrupts the task's thread) is never held up by a program waiting on its terminal or
     * pipe: the read gives way with ERESTARTSYS and runs again after the restore or thaw.
     */
    private static void waitReadable(int fd) {
        long pfd = Host.allocate(8);
        try {
            while (true) {
                Host.putInt(pfd, fd);
                Host.putInt(pfd + 4, 1); // events = POLLIN, revents = 0
                int n;
                try {
                    n = Host.poll(pfd, 1, 100);
                } catch (HostException e) {
                    if (e.errno() == 4 /* EINTR */) continue;
                    throw HostErrors.toGuest(e);
                }
                if (n > 0) return; // readable, at EOF, or in error: read() tells which
                if (Thread.interrupted()) throw SyscallError.of(Errno.ERESTARTSYS);
            }
        } finally {
            Host.free(pfd);
        }
    }

    /** The host descriptor's readiness, asked without waiting. */
    @Override
    public int pollReady() {
        int fd = fd();
        long pfd = Host.allocate(8);
        try {
            Host.putInt(pfd, fd);
            Host.putInt(pfd + 4, POLLIN | POLLOUT | POLLPRI); // events; revents = 0
            if (Host.poll(pfd, 1, 0) <= 0) return 0;
            return Host.getInt(pfd + 4) >>> 16; // revents: the high half of the int at 4
        } catch (HostException e) {
            return POLLERR;
        } finally {
            Host.free(pfd);
        }
    }

    @Override
    public boolean pollsHost() {
        return true;
    }

    @Override
    public long write(Usermem mem, long addr, long len) {
        int fd = fd();
        try {
            return mem.visit(addr, len, false, (h, n) -> Host.write(fd, h, n));
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    @Override
    public long pread(Usermem mem, long addr, long len, long offset) {
        int fd = fd();
        long[] pos = {offset};
        try {
            return mem.visit(addr, len, true, (h, n) -> {
                long r = Host.pread(fd, h, n, pos[0]);
                pos[0] += r;
                return r;
            });
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    @Override
    public long pwrite(Usermem mem, long addr, long len, long offset) {
        int fd = fd();
        long[] pos = {offset};
        try {
            return mem.visit(addr, len, false, (h, n) -> {
                long r = Host.pwrite(fd, h, n, pos[0]);
                pos[0] += r;
                return r;
            });
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    @Override
    public long seek(long offset, int whence) {
        return HostCalls.lseek(fd(), offset, whence);
    }

    @Override
    public byte[] stat() {
        return HostCalls.fstat(fd());
    }

    @Override
    public long ioctl(Usermem mem, long request, long arg) {
        int size;
        if (request == TCGETS) {
            size = TERMIOS_SIZE;
        } else if (request == TIOCGWINSZ) {
            size = WINSIZE_SIZE;
        } else if (request == FIONREAD) {
            size = 4;
        } else {
            throw SyscallError.of(ENOTTY);
        }
        int fd = fd();
        if (request != FIONREAD && !Host.isatty(fd)) throw SyscallError.of(ENOTTY);
        long buf = Host.allocate(64);
        try {
            Host.ioctl(fd, request, buf);
            byte[] b = new byte[size];
            Host.getBytes(buf, b, 0, size);
            mem.write(arg, b);
            return 0;
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        } finally {
            Host.free(buf);
        }
    }

    @Override
    public String path() {
        return "/dev/fd/" + stdFd;
    }

    @Override
    protected void release() {
        if (hostOpen) HostCalls.closeQuietly(hostFd);
        hostOpen = false;
        hostFd = -1;
        released = true;
    }
}
