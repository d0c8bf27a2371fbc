package dev.cryo.platform.host;

import com.kenai.jffi.MemoryIO;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The one facade over the host's C library (as the JDK's {@code UnixNativeDispatcher}): each
 * method makes one call and turns {@code -1}/errno into a {@link HostException}. Raw memory
 * access by address lives here too, so that no other package needs jnr.
 *
 * <p>Immutable after class initialisation; safe from any thread. Ptrace requests are the
 * exception the kernel makes: they must come from the thread that attached the tracee.
 */
public final class Host {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final MemoryIO IO = MemoryIO.getInstance();

    private Host() {}

    private static int errno() {
        return RUNTIME.getLastError();
    }

    private static long check(String call, long r) {
        if (r == -1) {
            throw new HostException(call, errno());
        }
        return r;
    }

    private static int check(String call, int r) {
        if (r == -1) {
            throw new HostException(call, errno());
        }
        return r;
    }

    // ---- processes and ptrace

    /** ptrace(2). PEEK requests are not used: their -1 is ambiguous. */
    public static long ptrace(long request, int pid, long addr, long data) {
        return check("ptrace", LIBC.ptrace(request, pid, addr, data));
    }

    /** waitpid(2), retried on EINTR; returns the pid, or 0 under WNOHANG. */
    public static int waitpid(int pid, long statusAddr, int options) {
        while (true) {
            int r = LIBC.waitpid(pid, statusAddr, options);
            if (r != -1) {
                return r;
            }
            int e = errno();
            if (e != 4 /* EINTR */) {
                throw new HostException("waitpid", e);
            }
        }
    }

    /**
     * posix_spawn(3) of {@code path} with no arguments but argv[0], an empty environment, and
     * the given fd mapped to {@code targetFd} in the child; every other descriptor of the JVM is
     * closed in the child (closefrom, FIELD-NOTES: else the child inherits ~25 of them).
     */
    public static int spawn(String path, int fd, int targetFd) {
        long fa = IO.allocateMemory(256, true);
        long pidp = IO.allocateMemory(8, true);
        long argv = IO.allocateMemory(16, true);
        byte[] name = (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long arg0 = IO.allocateMemory(name.length, true);
        try {
            IO.putByteArray(arg0, name, 0, name.length);
            IO.putAddress(argv, arg0);
            int e = LIBC.posix_spawn_file_actions_init(fa);
            if (e != 0) throw new HostException("posix_spawn_file_actions_init", e);
            try {
                if (fd >= 0) {
                    e = LIBC.posix_spawn_file_actions_adddup2(fa, fd, targetFd);
                    if (e != 0) throw new HostException("posix_spawn_file_actions_adddup2", e);
                }
                e = LIBC.posix_spawn_file_actions_addclosefrom_np(fa, fd >= 0 ? targetFd + 1 : 0);
                if (e != 0) throw new HostException("posix_spawn_file_actions_addclosefrom_np", e);
                e = LIBC.posix_spawn(pidp, path, fa, 0, argv, argv + 8);
                if (e != 0) throw new HostException("posix_spawn", e);
                return IO.getInt(pidp);
            } finally {
                LIBC.posix_spawn_file_actions_destroy(fa);
            }
        } finally {
            IO.freeMemory(fa);
            IO.freeMemory(pidp);
            IO.freeMemory(argv);
            IO.freeMemory(arg0);
        }
    }

    public static void kill(int pid, int sig) {
        check("kill", LIBC.kill(pid, sig));
    }

    public static void tgkill(int tgid, int tid, int sig) {
        check("tgkill", LIBC.tgkill(tgid, tid, sig));
    }

    public static int gettid() {
        return LIBC.gettid();
    }

    public static int getpid() {
        return LIBC.getpid();
    }

    public static int prctl(int option, long a2, long a3, long a4, long a5) {
        return check("prctl", LIBC.prctl(option, a2, a3, a4, a5));
    }

    /** Pins the calling thread to one CPU; children spawned from it inherit the mask. */
    public static void pinCurrentThread(int cpu) {
        long mask = IO.allocateMemory(128, true);
        try {
            IO.putByte(mask + cpu / 8, (byte) (1 << (cpu % 8)));
            check("sched_setaffinity", LIBC.sched_setaffinity(0, 128, mask));
        } finally {
            IO.freeMemory(mask);
        }
    }

    /** The CPUs the calling thread may run on (sched_getaffinity(2)). */
    public static int[] allowedCpus() {
        long mask = IO.allocateMemory(128, true);
        try {
            check("sched_getaffinity", LIBC.sched_getaffinity(0, 128, mask));
            int[] tmp = new int[1024];
            int n = 0;
            for (int cpu = 0; cpu < 1024; cpu++) {
                if ((IO.getByte(mask + cpu / 8) & (1 << (cpu % 8))) != 0) tmp[n++] = cpu;
            }
            return java.util.Arrays.copyOf(tmp, n);
        } finally {
            IO.freeMemory(mask);
        }
    }

    public static int currentCpu() {
        return check("sched_getcpu", LIBC.sched_getcpu());
    }

    // ---- memory

    public static int memfdCreate(String name, int flags) {
        return check("memfd_create", LIBC.memfd_create(name, flags));
    }

    public static void ftruncate(int fd, long length) {
        check("ftruncate", LIBC.ftruncate(fd, length));
    }

    public static void fallocate(int fd, int mode, long offset, long len) {
        check("fallocate", LIBC.fallocate(fd, mode, offset, len));
    }

    /**
     * mmap(2), through the raw syscall: jnr-ffi's binding of glibc's mmap returned EINVAL for
     * valid arguments on this host (measured), the kernel entry point does not.
     */
    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        long r = LIBC.syscall(9, addr, length, prot, flags, fd, offset);
        if (r == -1) throw new HostException("mmap", errno());
        return r;
    }

    public static void munmap(long addr, long length) {
        check("munmap", LIBC.munmap(addr, length));
    }

    public static void madvise(long addr, long length, int advice) {
        check("madvise", LIBC.madvise(addr, length, advice));
    }

    // ---- files

    public static int openat(int dirFd, String path, int flags, int mode) {
        return check("openat", LIBC.openat(dirFd, path, flags, mode));
    }

    public static void close(int fd) {
        check("close", LIBC.close(fd));
    }

    public static int dup(int fd) {
        return check("dup", LIBC.dup(fd));
    }

    public static long read(int fd, long buf, long count) {
        return check("read", LIBC.read(fd, buf, count));
    }

    public static long write(int fd, long buf, long count) {
        return check("write", LIBC.write(fd, buf, count));
    }

    public static long pread(int fd, long buf, long count, long offset) {
        return check("pread", LIBC.pread(fd, buf, count, offset));
    }

    public static long pwrite(int fd, long buf, long count, long offset) {
        return check("pwrite", LIBC.pwrite(fd, buf, count, offset));
    }

    public static long lseek(int fd, long offset, int whence) {
        return check("lseek", LIBC.lseek(fd, offset, whence));
    }

    public static int ioctl(int fd, long request, long arg) {
        return check("ioctl", LIBC.ioctl(fd, request, arg));
    }

    public static int fcntl(int fd, int cmd, long arg) {
        return check("fcntl", LIBC.fcntl(fd, cmd, arg));
    }

    public static long readlinkat(int dirFd, String path, long buf, long size) {
        return check("readlinkat", LIBC.readlinkat(dirFd, path, buf, size));
    }

    public static boolean isatty(int fd) {
        return LIBC.isatty(fd) == 1;
    }

    public static int poll(long fds, long count, int timeoutMillis) {
        return check("poll", LIBC.poll(fds, count, timeoutMillis));
    }

    public static void clockGettime(int clock, long timespec) {
        check("clock_gettime", LIBC.clock_gettime(clock, timespec));
    }

    /** The raw syscall(2), for kernel calls glibc does not wrap. */
    public static long syscall(String name, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return check(name, LIBC.syscall(nr, a0, a1, a2, a3, a4, a5));
    }

    public static String strerror(int errno) {
        return LIBC.strerror(errno);
    }

    // ---- raw native memory, by address

    /** Allocates {@code size} zeroed bytes outside the Java heap; free with {@link #free}. */
    public static long allocate(long size) {
        long a = IO.allocateMemory(size, true);
        if (a == 0) throw new OutOfMemoryError("native allocation of " + size + " bytes");
        return a;
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

    /** Index of the first zero byte at or after {@code address}, searching at most {@code max}. */
    public static long indexOfZero(long address, long max) {
        for (long i = 0; i < max; i++) {
            if (IO.getByte(address + i) == 0) return i;
        }
        return -1;
    }
}
