package dev.cryo.platform.host;

import com.kenai.jffi.MemoryIO;
import java.nio.charset.StandardCharsets;

/**
 * The one facade over the host's C library and kernel (as the JDK's {@code UnixNativeDispatcher}): each
 * method makes one call and turns {@code -1}/errno into a {@link HostException}. Raw memory
 * access by address lives here too, so that no other package needs jnr.
 *
 * <p>Immutable after class initialisation; safe from any thread. Ptrace requests are the
 * exception the kernel makes: they must come from the thread that attached the tracee.
 */
public final class Host {
    private static final MemoryIO IO = MemoryIO.getInstance();

    // x86-64 syscall numbers used here (arch/x86/entry/syscalls/syscall_64.tbl).
    private static final int SYS_READ = 0, SYS_WRITE = 1, SYS_CLOSE = 3, SYS_POLL = 7,
            SYS_LSEEK = 8, SYS_MUNMAP = 11, SYS_IOCTL = 16, SYS_PREAD64 = 17, SYS_PWRITE64 = 18,
            SYS_MSYNC = 26, SYS_MADVISE = 28, SYS_DUP = 32, SYS_GETPID = 39, SYS_WAIT4 = 61,
            SYS_KILL = 62, SYS_FCNTL = 72, SYS_FTRUNCATE = 77, SYS_PTRACE = 101,
            SYS_SETPRIORITY = 141, SYS_PRCTL = 157,
            SYS_GETTID = 186, SYS_SCHED_SETAFFINITY = 203, SYS_SCHED_GETAFFINITY = 204,
            SYS_CLOCK_GETTIME = 228, SYS_TGKILL = 234, SYS_OPENAT = 257, SYS_READLINKAT = 267,
            SYS_FALLOCATE = 285, SYS_DUP3 = 292, SYS_GETCPU = 309, SYS_GETRANDOM = 318, SYS_MEMFD_CREATE = 319,
            SYS_SENDFILE = 40, SYS_FDATASYNC = 75, SYS_SOCKET = 41, SYS_CONNECT = 42;
    private static final int EINTR = 4;

    private Host() {}

    /** One raw system call of up to five arguments; -1 with errno on failure, as syscall(2). */
    private static long sys(String name, int nr, long a0, long a1, long a2, long a3, long a4) {
        long r = LibC.SYSCALL.call(nr, a0, a1, a2, a3, a4);
        if (r == -1) throw new HostException(name, LibC.errno());
        return r;
    }

    private static long sys(String name, int nr, long a0, long a1, long a2) {
        return sys(name, nr, a0, a1, a2, 0, 0);
    }

    /** A NUL-terminated copy of {@code s} in native memory; free with {@link #free}. */
    private static long cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long p = allocate(b.length + 1);
        IO.putByteArray(p, b, 0, b.length);
        return p;
    }

    // ---- processes and ptrace

    /** ptrace(2). PEEK requests are not used: their result and errors are ambiguous. */
    public static long ptrace(long request, int pid, long addr, long data) {
        return sys("ptrace", SYS_PTRACE, request, pid, addr, data, 0);
    }

    /** waitpid(2) (as wait4 with no rusage), retried on EINTR; returns the pid, or 0 under WNOHANG. */
    public static int waitpid(int pid, long statusAddr, int options) {
        while (true) {
            long r = LibC.SYSCALL.call(SYS_WAIT4, pid, statusAddr, options, 0, 0);
            if (r != -1) return (int) r;
            int e = LibC.errno();
            if (e != EINTR) throw new HostException("waitpid", e);
        }
    }

    /**
     * posix_spawn(3) of {@code path} with no arguments but argv[0], an empty environment, and
     * the given fd mapped to {@code targetFd} in the child; every other descriptor of the JVM is
     * closed in the child (closefrom, FIELD-NOTES: else the child inherits ~25 of them). The
     * child gets a process group of its own, so the terminal's signals (^C) reach cryo, not it.
     */
    public static int spawn(String path, int fd, int targetFd) {
        return fd >= 0 ? spawn(path, new int[] {fd}, new int[] {targetFd}) : spawn(path, new int[0], new int[0]);
    }

    /**
     * As {@link #spawn(String, int, int)}, with each {@code fds[i]} mapped to {@code targets[i]}
     * (targets in increasing order); every descriptor above the last target is closed.
     */
    public static int spawn(String path, int[] fds, int[] targets) {
        long fa = allocate(256);
        long attr = allocate(512);
        long pidp = allocate(8);
        long argv = allocate(16);
        long arg0 = cstring(path);
        try {
            IO.putAddress(argv, arg0);
            check0("posix_spawn_file_actions_init", LibC.FA_INIT.call(fa));
            check0("posix_spawnattr_init", LibC.ATTR_INIT.call(attr));
            try {
                for (int i = 0; i < fds.length; i++) {
                    check0("posix_spawn_file_actions_adddup2", LibC.FA_ADDDUP2.call(fa, fds[i], targets[i]));
                }
                check0("posix_spawn_file_actions_addclosefrom_np",
                        LibC.FA_ADDCLOSEFROM.call(fa, targets.length > 0 ? targets[targets.length - 1] + 1 : 0));
                check0("posix_spawnattr_setflags", LibC.ATTR_SETFLAGS.call(attr, 0x02 /* POSIX_SPAWN_SETPGROUP */));
                check0("posix_spawn", LibC.POSIX_SPAWN.call(pidp, arg0, fa, attr, argv, argv + 8));
                return IO.getInt(pidp);
            } finally {
                LibC.FA_DESTROY.call(fa);
                LibC.ATTR_DESTROY.call(attr);
            }
        } finally {
            free(fa);
            free(attr);
            free(pidp);
            free(argv);
            free(arg0);
        }
    }

    /** For functions that return an error number instead of setting errno. */
    private static void check0(String call, long r) {
        if ((int) r != 0) throw new HostException(call, (int) r);
    }

    public static void kill(int pid, int sig) {
        sys("kill", SYS_KILL, pid, sig, 0);
    }

    public static void tgkill(int tgid, int tid, int sig) {
        sys("tgkill", SYS_TGKILL, tgid, tid, sig);
    }

    public static int gettid() {
        return (int) sys("gettid", SYS_GETTID, 0, 0, 0);
    }

    public static int getpid() {
        return (int) sys("getpid", SYS_GETPID, 0, 0, 0);
    }

    public static int prctl(int option, long a2, long a3, long a4, long a5) {
        return (int) sys("prctl", SYS_PRCTL, option, a2, a3, a4, a5);
    }

    /**
     * The CPUs this process was allowed when the class was initialised, before any thread was
     * pinned: a thread created by a pinned thread inherits its one CPU, so the count cannot be
     * asked of the thread at hand later (the JDK's availableProcessors() does just that).
     */
    private static final byte[] PROCESS_MASK = processMask();

    private static byte[] processMask() {
        try {
            return threadMask();
        } catch (HostException e) {
            return null;
        }
    }

    /** The calling thread's CPU mask (sched_getaffinity(2)): 1024 CPUs' bits. */
    private static byte[] threadMask() {
        long mask = allocate(128);
        try {
            sys("sched_getaffinity", SYS_SCHED_GETAFFINITY, 0, 128, mask);
            byte[] b = new byte[128];
            IO.getByteArray(mask, b, 0, b.length);
            return b;
        } finally {
            free(mask);
        }
    }

    /** The CPUs whose bits are set in {@code mask}, in order. */
    private static int[] cpusOf(byte[] mask) {
        int[] tmp = new int[mask.length * 8];
        int n = 0;
        for (int cpu = 0; cpu < tmp.length; cpu++) {
            if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0) tmp[n++] = cpu;
        }
        return java.util.Arrays.copyOf(tmp, n);
    }

    /**
     * The CPUs the process may run on, whatever the calling thread's pin (the platform spreads
     * its stubs over them: a platform made on a tracer thread would otherwise see one).
     */
    public static int[] processCpus() {
        return PROCESS_MASK == null ? allowedCpus() : cpusOf(PROCESS_MASK);
    }

    /** How many CPUs the process may run on (at least 1), whatever the calling thread's pin. */
    public static int processCpuCount() {
        if (PROCESS_MASK == null) return Math.max(1, Runtime.getRuntime().availableProcessors());
        int n = 0;
        for (byte b : PROCESS_MASK) n += Integer.bitCount(b & 0xff);
        return Math.max(1, n);
    }

    /**
     * Gives the calling thread back every CPU of the process. For threads that do bulk work
     * (checkpoint, restore, loading memory) and were created by a pinned tracer thread; the
     * threads it creates inherit the whole mask. Not fatal when the host forbids it: only slower.
     */
    public static void unpinCurrentThread() {
        if (PROCESS_MASK == null) return;
        long mask = allocate(128);
        try {
            IO.putByteArray(mask, PROCESS_MASK, 0, PROCESS_MASK.length);
            sys("sched_setaffinity", SYS_SCHED_SETAFFINITY, 0, 128, mask);
        } catch (HostException e) {
            // left pinned: correct, one core
        } finally {
            free(mask);
        }
    }

    /**
     * Lowers the calling thread's scheduling priority (nice 0..19: 19 runs only when nothing else
     * wants the CPU), for background work that must not slow the sandbox. Linux applies
     * setpriority(PRIO_PROCESS, tid) to the one thread.
     */
    public static void niceCurrentThread(int nice) {
        sys("setpriority", SYS_SETPRIORITY, 0, gettid(), nice);
    }

    /** Pins the calling thread to one CPU; children spawned from it inherit the mask. */
    public static void pinCurrentThread(int cpu) {
        long mask = allocate(128);
        try {
            IO.putByte(mask + cpu / 8, (byte) (1 << (cpu % 8)));
            sys("sched_setaffinity", SYS_SCHED_SETAFFINITY, 0, 128, mask);
        } finally {
            free(mask);
        }
    }

    /** The CPUs the calling thread may run on (sched_getaffinity(2)). */
    public static int[] allowedCpus() {
        return cpusOf(threadMask());
    }

    public static int currentCpu() {
        long cpu = allocate(8);
        try {
            sys("getcpu", SYS_GETCPU, cpu, 0, 0);
            return IO.getInt(cpu);
        } finally {
            free(cpu);
        }
    }

    /**
     * process_vm_readv(2) of one range: copies {@code len} bytes at {@code remote} in process
     * {@code pid} to {@code local} in ours; returns the bytes copied.
     */
    public static long processVmRead(int pid, long local, long remote, long len) {
        return processVm(LibC.PROCESS_VM_READV, "process_vm_readv", pid, local, remote, len);
    }

    /** process_vm_writev(2) of one range: {@code len} bytes from {@code local} to {@code remote} in {@code pid}. */
    public static long processVmWrite(int pid, long local, long remote, long len) {
        return processVm(LibC.PROCESS_VM_WRITEV, "process_vm_writev", pid, local, remote, len);
    }

    private static long processVm(LibC.Fn fn, String name, int pid, long local, long remote, long len) {
        long iov = allocate(32);
        try {
            IO.putLong(iov, local);
            IO.putLong(iov + 8, len);
            IO.putLong(iov + 16, remote);
            IO.putLong(iov + 24, len);
            long r = fn.call(pid, iov, 1, iov + 16, 1, 0);
            if (r == -1) throw new HostException(name, LibC.errno());
            return r;
        } finally {
            free(iov);
        }
    }

    // ---- memory

    public static int memfdCreate(String name, int flags) {
        long n = cstring(name);
        try {
            return (int) sys("memfd_create", SYS_MEMFD_CREATE, n, flags, 0);
        } finally {
            free(n);
        }
    }

    public static void ftruncate(int fd, long length) {
        sys("ftruncate", SYS_FTRUNCATE, fd, length, 0);
    }

    public static void fallocate(int fd, int mode, long offset, long len) {
        sys("fallocate", SYS_FALLOCATE, fd, mode, offset, len, 0);
    }

    /** msync(2) of a mapping's pages. */
    public static void msync(long address, long length, int flags) {
        sys("msync", SYS_MSYNC, address, length, flags);
    }

    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        long r = LibC.MMAP.call(addr, length, prot, flags, fd, offset);
        if (r == -1) throw new HostException("mmap", LibC.errno());
        return r;
    }

    public static void munmap(long addr, long length) {
        sys("munmap", SYS_MUNMAP, addr, length, 0);
    }

    public static void madvise(long addr, long length, int advice) {
        sys("madvise", SYS_MADVISE, addr, length, advice);
    }

    // ---- files

    public static int openat(int dirFd, String path, int flags, int mode) {
        long p = cstring(path);
        try {
            return (int) sys("openat", SYS_OPENAT, dirFd, p, flags, mode, 0);
        } finally {
            free(p);
        }
    }

    public static void close(int fd) {
        sys("close", SYS_CLOSE, fd, 0, 0);
    }

    public static int dup(int fd) {
        return (int) sys("dup", SYS_DUP, fd, 0, 0);
    }

    /** dup3(2): makes {@code newFd} a copy of {@code oldFd} (closing what it was). */
    public static void dup3(int oldFd, int newFd, int flags) {
        sys("dup3", SYS_DUP3, oldFd, newFd, flags);
    }

    public static long read(int fd, long buf, long count) {
        return sys("read", SYS_READ, fd, buf, count);
    }

    public static long write(int fd, long buf, long count) {
        return sys("write", SYS_WRITE, fd, buf, count);
    }

    public static long pread(int fd, long buf, long count, long offset) {
        return sys("pread", SYS_PREAD64, fd, buf, count, offset, 0);
    }

    /**
     * sendfile(2) of {@code count} bytes from {@code inFd} at {@code inOffset} to {@code outFd}
     * at its file position, all of it (looping on short transfers): a copy inside the host
     * kernel, with no user-space buffer and no page faults on either side.
     */
    public static void sendfile(int outFd, int inFd, long inOffset, long count) {
        long off = allocate(8);
        try {
            IO.putLong(off, inOffset);
            long done = 0;
            while (done < count) {
                long n = sys("sendfile", SYS_SENDFILE, outFd, inFd, off, Math.min(count - done, 0x7ffff000L), 0);
                if (n == 0) throw new HostException("sendfile", 5 /* EIO: the input ended early */);
                done += n;
            }
        } finally {
            free(off);
        }
    }

    /** sync_file_range(2) with SYNC_FILE_RANGE_WRITE: starts writeback of the range, without waiting. */
    public static void startWriteback(int fd, long offset, long len) {
        sys("sync_file_range", 277, fd, offset, len, 2, 0);
    }

    public static void fdatasync(int fd) {
        sys("fdatasync", SYS_FDATASYNC, fd, 0, 0);
    }

    public static long pwrite(int fd, long buf, long count, long offset) {
        return sys("pwrite", SYS_PWRITE64, fd, buf, count, offset, 0);
    }

    public static long lseek(int fd, long offset, int whence) {
        return sys("lseek", SYS_LSEEK, fd, offset, whence);
    }

    public static int ioctl(int fd, long request, long arg) {
        return (int) sys("ioctl", SYS_IOCTL, fd, request, arg);
    }

    public static int fcntl(int fd, int cmd, long arg) {
        return (int) sys("fcntl", SYS_FCNTL, fd, cmd, arg);
    }

    public static long readlinkat(int dirFd, String path, long buf, long size) {
        long p = cstring(path);
        try {
            return sys("readlinkat", SYS_READLINKAT, dirFd, p, buf, size, 0);
        } finally {
            free(p);
        }
    }

    public static boolean isatty(int fd) {
        long termios = allocate(64);
        try {
            return LibC.SYSCALL.call(SYS_IOCTL, fd, 0x5401 /* TCGETS */, termios, 0, 0) == 0;
        } finally {
            free(termios);
        }
    }

    /** Fills [addr, addr+len) from the host's getrandom(2) (blocking until the pool is ready). */
    public static void getrandom(long addr, long len) {
        long got = 0;
        while (got < len) {
            long r = LibC.SYSCALL.call(SYS_GETRANDOM, addr + got, len - got, 0, 0, 0);
            if (r > 0) {
                got += r;
            } else if (LibC.errno() != EINTR) {
                throw new HostException("getrandom", LibC.errno());
            }
        }
    }

    /** {@code len} random bytes from the host's getrandom(2). */
    public static byte[] random(int len) {
        long buf = allocate(Math.max(len, 1));
        try {
            getrandom(buf, len);
            byte[] b = new byte[len];
            IO.getByteArray(buf, b, 0, len);
            return b;
        } finally {
            free(buf);
        }
    }

    public static int poll(long fds, long count, int timeoutMillis) {
        return (int) sys("poll", SYS_POLL, fds, count, timeoutMillis);
    }

    public static void clockGettime(int clock, long timespec) {
        sys("clock_gettime", SYS_CLOCK_GETTIME, clock, timespec, 0);
    }

    // ---- sockets

    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000, UNIX_PATH_MAX = 108,
            ENAMETOOLONG = 36;

    /**
     * A stream socket connected to the Unix-domain socket at {@code path}, close-on-exec. For a
     * short-lived client: the JDK's SocketChannel costs ~45 ms to set up in a fresh JVM (it loads
     * libnet and libnio and, to name temporary sockets, the security providers; measured).
     */
    public static int connectUnix(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= UNIX_PATH_MAX) throw new HostException("connect " + path, ENAMETOOLONG);
        int fd = (int) sys("socket", SYS_SOCKET, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        long addr = allocate(2 + UNIX_PATH_MAX); // struct sockaddr_un, zeroed: the path ends in NUL
        try {
            IO.putByte(addr, (byte) AF_UNIX); // sun_family, little-endian
            IO.putByteArray(addr + 2, p, 0, p.length);
            sys("connect " + path, SYS_CONNECT, fd, addr, 2 + p.length + 1);
            return fd;
        } catch (HostException e) {
            close(fd);
            throw e;
        } finally {
            free(addr);
        }
    }

    /**
     * The raw syscall(2), for kernel calls without a method here. At most five arguments
     * ({@code a5} must be 0): six-argument calls have their own method (mmap).
     */
    public static long syscall(String name, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        if (a5 != 0) throw new IllegalArgumentException(name + ": six-argument syscalls need their own binding");
        return sys(name, (int) nr, a0, a1, a2, a3, a4);
    }

    /**
     * futex(2) on a word another process shares (no FUTEX_PRIVATE_FLAG): {@code op} FUTEX_WAIT
     * (0) with an optional relative timeout (a struct timespec's address, or 0), or FUTEX_WAKE
     * (1). Returns the call's result or a negative errno (EAGAIN, ETIMEDOUT, EINTR are answers
     * here, not failures); never throws.
     */
    public static long futex(long addr, int op, int val, long timeout) {
        long r = LibC.SYSCALL.call(202, addr, op, val, timeout, 0);
        return r == -1 ? -LibC.errno() : r;
    }

    public static String strerror(int errno) {
        long p = LibC.STRERROR.call(errno);
        if (p == 0) return "errno " + errno;
        int len = 0;
        while (len < 256 && IO.getByte(p + len) != 0) len++;
        byte[] b = new byte[len];
        IO.getByteArray(p, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    // ---- raw native memory, by address

    /** Allocates {@code size} zeroed bytes outside the Java heap; free with {@link #free}. */
    public static long allocate(long size) {
        long a = IO.allocateMemory(size, true);
        if (a == 0) throw new OutOfMemoryError("native allocation of " + size + " bytes");
        return a;
    }

    /**
     * A direct ByteBuffer over native memory the caller owns (at most 2 GiB), for NIO channels
     * and checksums over the memory file without a copy. Valid while the memory is.
     */
    public static java.nio.ByteBuffer directBuffer(long address, int len) {
        return IO.newDirectByteBuffer(address, len);
    }

    /** Index, from {@code from}, of the next populated (SEEK_DATA) or hole (SEEK_HOLE) byte of {@code fd}; -1 at the end. */
    public static long seekData(int fd, long from, boolean data) {
        long r = LibC.SYSCALL.call(SYS_LSEEK, fd, from, data ? 3 : 4, 0, 0);
        if (r == -1) {
            int e = LibC.errno();
            if (e == 6 /* ENXIO: no more data past from */) return -1;
            throw new HostException("lseek", e);
        }
        return r;
    }

    public static void free(long address) {
        IO.freeMemory(address);
    }

    public static byte getByte(long address) {
        return IO.getByte(address);
    }

    public static void putByte(long address, byte value) {
        IO.putByte(address, value);
    }

    public static int getInt(long address) {
        return IO.getInt(address);
    }

    public static void putInt(long address, int value) {
        IO.putInt(address, value);
    }

    public static long getLong(long address) {
        return IO.getLong(address);
    }

    public static void putLong(long address, long value) {
        IO.putLong(address, value);
    }

    public static void getBytes(long address, byte[] dst, int off, int len) {
        IO.getByteArray(address, dst, off, len);
    }

    public static void putBytes(long address, byte[] src, int off, int len) {
        IO.putByteArray(address, src, off, len);
    }

    public static void getLongs(long address, long[] dst, int off, int len) {
        IO.getLongArray(address, dst, off, len);
    }

    public static void putLongs(long address, long[] src, int off, int len) {
        IO.putLongArray(address, src, off, len);
    }

    public static void copy(long src, long dst, long len) {
        IO.copyMemory(src, dst, len);
    }

    public static void zero(long address, long len) {
        IO.setMemory(address, len, (byte) 0);
    }
}
