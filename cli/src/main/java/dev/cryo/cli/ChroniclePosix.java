package dev.cryo.cli;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.PosixAPIHolder;
import net.openhft.posix.internal.jnr.JNRPosixAPI;

/**
 * Chronicle's POSIX calls, served by Cryo's own host bindings. Chronicle loads its POSIX API when
 * its first class initialises, through a jnr-ffi interface generated with ASM and a run of
 * {@code ldconfig -p}: ~110 ms of the first index open in every JVM that writes the store
 * (sampled), paid before a checkpoint can start. Opening an existing index calls none of it;
 * creating one calls fallocate (so that a full disk is an error, not a SIGBUS in the mapping)
 * and msync. Those two go through {@link Host}; anything else Chronicle may ever call is handed to
 * its own implementation, loaded then.
 */
final class ChroniclePosix implements PosixAPI {
    private static final Object LOCK = new Object();
    private static boolean installed; // guarded by LOCK

    private volatile PosixAPI jnr;
    private volatile int lastError;

    private ChroniclePosix() {}

    /** Before any Chronicle class initialises (opening a store touches none). Idempotent. */
    static void install() {
        synchronized (LOCK) {
            if (installed) return;
            installed = true;
            if (PosixAPIHolder.POSIX_API == null) PosixAPIHolder.POSIX_API = new ChroniclePosix();
        }
    }

    private PosixAPI jnr() {
        PosixAPI p = jnr;
        if (p == null) {
            synchronized (this) {
                if (jnr == null) jnr = new JNRPosixAPI();
                p = jnr;
            }
        }
        return p;
    }

    /** Linux fallocate(2), as Chronicle's: 0, or -1 with {@link #lastError}. */
    @Override
    public int fallocate(int fd, int mode, long offset, long length) {
        try {
            Host.fallocate(fd, mode, offset, length);
            return 0;
        } catch (HostException e) {
            lastError = e.errno();
            return -1;
        }
    }

    @Override
    public int msync(long address, long length, int flags) {
        try {
            Host.msync(address, length, flags);
            return 0;
        } catch (HostException e) {
            lastError = e.errno();
            return -1;
        }
    }

    @Override
    public int lastError() {
        return lastError;
    }

    // ---- the rest: Chronicle's own implementation, loaded if ever needed

    @Override
    public int close(int fd) {
        return jnr().close(fd);
    }

    @Override
    public int ftruncate(int fd, long offset) {
        return jnr().ftruncate(fd, offset);
    }

    @Override
    public long lseek(int fd, long offset, int whence) {
        return jnr().lseek(fd, offset, whence);
    }

    @Override
    public int lockf(int fd, int cmd, long len) {
        return jnr().lockf(fd, cmd, len);
    }

    @Override
    public int madvise(long addr, long length, int advice) {
        return jnr().madvise(addr, length, advice);
    }

    @Override
    public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        return jnr().mmap(addr, length, prot, flags, fd, offset);
    }

    @Override
    public int munmap(long addr, long length) {
        return jnr().munmap(addr, length);
    }

    @Override
    public int open(CharSequence path, int flags, int perm) {
        return jnr().open(path, flags, perm);
    }

    @Override
    public long read(int fd, long dst, long len) {
        return jnr().read(fd, dst, len);
    }

    @Override
    public long write(int fd, long src, long len) {
        return jnr().write(fd, src, len);
    }

    @Override
    public int gettimeofday(long timeval) {
        return jnr().gettimeofday(timeval);
    }

    @Override
    public int sched_setaffinity(int pid, int cpusetsize, long mask) {
        return jnr().sched_setaffinity(pid, cpusetsize, mask);
    }

    @Override
    public int sched_getaffinity(int pid, int cpusetsize, long mask) {
        return jnr().sched_getaffinity(pid, cpusetsize, mask);
    }

    @Override
    public long clock_gettime(int clockId) {
        return jnr().clock_gettime(clockId);
    }

    @Override
    public long malloc(long size) {
        return jnr().malloc(size);
    }

    @Override
    public void free(long ptr) {
        jnr().free(ptr);
    }

    @Override
    public int get_nprocs() {
        return jnr().get_nprocs();
    }

    @Override
    public int get_nprocs_conf() {
        return jnr().get_nprocs_conf();
    }

    @Override
    public int getpid() {
        return jnr().getpid();
    }

    @Override
    public int gettid() {
        return jnr().gettid();
    }

    @Override
    public String strerror(int errno) {
        return jnr().strerror(errno);
    }
}
