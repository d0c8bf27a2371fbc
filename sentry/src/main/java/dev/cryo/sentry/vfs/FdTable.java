package dev.cryo.sentry.vfs;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EMFILE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.serializer.Savable;
import java.util.Arrays;

/**
 * A descriptor table (Linux's files_struct): small integers to open file descriptions, with the
 * close-on-exec flag per descriptor. Not thread-safe: guarded by the kernel's lock once tasks
 * share tables. Saved whole: descriptions shared by several descriptors (dup) stay one object.
 */
@Savable
public final class FdTable {
    private FileDescription[] files = new FileDescription[16];
    private boolean[] cloexec = new boolean[16];
    /** RLIMIT_NOFILE's soft value: descriptors must be below it. */
    private int limit;

    public FdTable(int limit) {
        this.limit = limit;
    }

    /** For Kryo. */
    FdTable() {}

    /**
     * The child's table at fork (Linux's dup_fd): the same descriptions at the same numbers,
     * each with one more reference, and the same close-on-exec flags.
     */
    public FdTable fork() {
        FdTable c = new FdTable(limit);
        c.files = new FileDescription[files.length];
        c.cloexec = new boolean[files.length];
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) c.put(fd, files[fd], cloexec[fd]);
        }
        return c;
    }

    public void setLimit(int limit) {
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }

    /** The description at {@code fd}, or EBADF. */
    public FileDescription get(int fd) {
        if (fd < 0 || fd >= files.length || files[fd] == null) throw SyscallError.of(EBADF);
        return files[fd];
    }

    /**
     * The description at {@code fd} for I/O: EBADF also for an O_PATH description, as Linux's
     * fdget() (where {@link #get} is fdget_raw()).
     */
    public FileDescription getIo(int fd) {
        FileDescription f = get(fd);
        if (f.isPathOnly()) throw SyscallError.of(EBADF);
        return f;
    }

    /** Highest descriptor slot that could be open, plus one. */
    public int size() {
        return files.length;
    }

    public boolean isOpen(int fd) {
        return fd >= 0 && fd < files.length && files[fd] != null;
    }

    public boolean isCloexec(int fd) {
        get(fd);
        return cloexec[fd];
    }

    public void setCloexec(int fd, boolean on) {
        get(fd);
        cloexec[fd] = on;
    }

    /** Whether {@link #install} would find a free descriptor (below the limit). */
    public boolean hasFree() {
        for (int fd = 0; fd < limit; fd++) {
            if (fd >= files.length || files[fd] == null) return true;
        }
        return false;
    }

    /** Installs {@code f} at the lowest free descriptor >= {@code min}; EMFILE past the limit. */
    public int install(FileDescription f, boolean closeOnExec, int min) {
        for (int fd = Math.max(min, 0); fd < limit; fd++) {
            if (fd >= files.length) grow(fd + 1);
            if (files[fd] == null) {
                put(fd, f, closeOnExec);
                return fd;
            }
        }
        throw SyscallError.of(EMFILE);
    }

    /** Installs {@code f} at exactly {@code fd}, closing what was there (dup2). */
    public void installAt(int fd, FileDescription f, boolean closeOnExec) {
        if (fd < 0 || fd >= limit) throw SyscallError.of(EBADF);
        if (fd >= files.length) grow(fd + 1);
        FileDescription old = files[fd];
        put(fd, f, closeOnExec);
        if (old != null) old.decRef();
    }

    private void put(int fd, FileDescription f, boolean closeOnExec) {
        f.incRef();
        files[fd] = f;
        cloexec[fd] = closeOnExec;
    }

    /** Removes {@code fd}; EBADF if it was not open. */
    public void close(int fd) {
        FileDescription f = get(fd);
        files[fd] = null;
        cloexec[fd] = false;
        f.decRef();
    }

    /** close_range(2): closes (or, with {@code cloexecOnly}, marks close-on-exec) [first, last]. */
    public void closeRange(int first, int last, boolean cloexecOnly) {
        int end = (int) Math.min((long) last, files.length - 1L);
        for (int fd = first; fd <= end; fd++) {
            if (files[fd] == null) continue;
            if (cloexecOnly) cloexec[fd] = true;
            else close(fd);
        }
    }

    /** Closes every descriptor marked close-on-exec (at execve). */
    public void closeOnExec() {
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null && cloexec[fd]) close(fd);
        }
    }

    /** Closes every descriptor (at exit). */
    public void closeAll() {
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) close(fd);
        }
    }

    private void grow(int min) {
        int n = Math.max(min, files.length * 2);
        files = Arrays.copyOf(files, n);
        cloexec = Arrays.copyOf(cloexec, n);
    }
}
