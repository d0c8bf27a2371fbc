package dev.cryo.sentry.kernel;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ERESTARTSYS;

import dev.cryo.serializer.Savable;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A signalfd (fs/signalfd.c): reading it takes the calling thread's pending signals in its mask
 * (its own, then its process's), as struct signalfd_siginfo, instead of their delivery; it is
 * readable while one is pending. Which signals are the caller's: the task whose thread reads
 * or polls ({@link TaskRunner#current}).
 *
 * <p>Sending a signal does not wake the kernel lock's waiters (the sender may hold locks that
 * come after it), so a blocked read or a poll looks again every {@link #RECHECK_NANOS}: a
 * signal is seen within that long.
 */
@Savable
public final class SignalFdFile extends FileDescription {
    public static final int SIZE = 128;
    static final long RECHECK_NANOS = 5_000_000L;

    private final KernelLock lock;
    private final long ino;
    private long mask;

    SignalFdFile(KernelLock lock, long ino, long mask, int flags) {
        super(OpenFlags.O_RDONLY | (flags & OpenFlags.O_NONBLOCK));
        this.lock = lock;
        this.ino = ino;
        setMask(mask);
    }

    /** For Kryo. */
    private SignalFdFile() {
        this.lock = null;
        this.ino = 0;
    }

    /** SIGKILL and SIGSTOP are never read through a signalfd. */
    void setMask(long m) {
        mask = m & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP));
    }

    /** The signals it reads. */
    public long mask() {
        return mask;
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        Task t = TaskRunner.current();
        if (t == null) throw SyscallError.of(EINVAL);
        int max = (int) Math.min(len / SIZE, 1024);
        if (max == 0) throw SyscallError.of(EINVAL);
        ByteBuffer out = ByteBuffer.allocate(max * SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        while (n == 0) {
            SigInfo info;
            while (n < max && (info = Signalling.dequeue(t, ~mask)) != null) {
                fill(out, n * SIZE, info);
                n++;
            }
            if (n > 0) break;
            if ((flags & OpenFlags.O_NONBLOCK) != 0) throw SyscallError.of(EAGAIN);
            if (t.freezePending()) throw SyscallError.of(ERESTARTSYS);
            lock.awaitNanos(RECHECK_NANOS, ERESTARTSYS);
        }
        mem.write(addr, java.util.Arrays.copyOf(out.array(), n * SIZE));
        return (long) n * SIZE;
    }

    /** signalfd_copyinfo: the fields of the signal's siginfo layout, at signalfd_siginfo's offsets. */
    private static void fill(ByteBuffer b, int at, SigInfo info) {
        ByteBuffer s = ByteBuffer.wrap(info.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int sig = info.signo(), code = info.code();
        b.putInt(at, sig);
        b.putInt(at + 4, s.getInt(4));
        b.putInt(at + 8, code);
        boolean kernel = code > SigInfo.SI_USER && code < SigInfo.SI_KERNEL;
        if (kernel && (sig == Signals.SIGSEGV || sig == Signals.SIGBUS || sig == Signals.SIGILL
                || sig == Signals.SIGFPE || sig == Signals.SIGTRAP)) {
            b.putLong(at + 72, s.getLong(16)); // ssi_addr
        } else if (kernel && sig == Signals.SIGCHLD) {
            b.putInt(at + 12, s.getInt(16)); // pid
            b.putInt(at + 16, s.getInt(20)); // uid
            b.putInt(at + 40, s.getInt(24)); // status
            b.putLong(at + 56, s.getLong(32)); // utime
            b.putLong(at + 64, s.getLong(40)); // stime
        } else if (code == SigInfo.SI_TIMER) {
            b.putInt(at + 24, s.getInt(16)); // ssi_tid: the timer id
            b.putInt(at + 32, s.getInt(20)); // overrun
            b.putLong(at + 48, s.getLong(24)); // ptr
            b.putInt(at + 44, s.getInt(24)); // int
        } else {
            b.putInt(at + 12, s.getInt(16)); // pid
            b.putInt(at + 16, s.getInt(20)); // uid
            if (code < 0) { // queued with a value (SIL_RT)
                b.putLong(at + 48, s.getLong(24));
                b.putInt(at + 44, s.getInt(24));
            }
        }
    }

    @Override
    public int pollReady() {
        Task t = TaskRunner.current();
        if (t == null) return 0;
        synchronized (t.kernel.signalLock) {
            return (t.signals.pendingSet() & mask) != 0 ? POLLIN | POLLRDNORM : 0;
        }
    }

    /** Signals arrive without waking the lock's waiters: polls look again (see the class comment). */
    @Override
    public boolean pollsHost() {
        return true;
    }

    @Override
    public byte[] stat() {
        return Stat.synthetic(Stat.makedev(0, 13), ino, 0600, 0, 4096, 0);
    }

    @Override
    public String path() {
        return "anon_inode:[signalfd]";
    }

    /** signalfd(2)/signalfd4(2): a new descriptor, or {@code fd}'s mask replaced. Kernel lock held. */
    public static int signalfd(Task t, int fd, long mask, int flags) {
        if (fd == -1) {
            var f = new SignalFdFile(t.kernel.lock(), t.kernel.nextAnonInode(), mask, flags);
            return t.fds.install(f, (flags & OpenFlags.O_CLOEXEC) != 0, 0);
        }
        if (!(t.fds.get(fd) instanceof SignalFdFile f)) throw SyscallError.of(EINVAL);
        f.setMask(mask);
        return fd;
    }
}
