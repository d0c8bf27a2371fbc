package dev.cryo.platform.host;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;

/**
 * The C prototypes Cryo calls, as jnr-ffi sees them. Logic-free: {@link Host} wraps each one,
 * turning {@code -1}/errno into {@link HostException}. Pointers are passed as {@code long}
 * addresses (native scratch buffers or the memory file's JVM mapping), which is what the
 * x86-64 calling convention does with them anyway.
 */
public interface LibC {
    /** {@code long ptrace(enum __ptrace_request request, pid_t pid, void *addr, void *data);} */
    @SaveError long ptrace(long request, int pid, long addr, long data);

    /** {@code pid_t waitpid(pid_t pid, int *wstatus, int options);} */
    @SaveError int waitpid(int pid, long wstatus, int options);

    /** {@code int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);} returns an error number. */
    @IgnoreError int posix_spawn(long pid, String path, long fileActions, long attr, long argv, long envp);

    /** {@code int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);} */
    @IgnoreError int posix_spawn_file_actions_init(long fileActions);

    /** {@code int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);} */
    @IgnoreError int posix_spawn_file_actions_destroy(long fileActions);

    /** {@code int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);} */
    @IgnoreError int posix_spawn_file_actions_adddup2(long fileActions, int fd, int newFd);

    /** {@code int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);} (glibc 2.34) */
    @IgnoreError int posix_spawn_file_actions_addclosefrom_np(long fileActions, int from);

    /** {@code int memfd_create(const char *name, unsigned int flags);} */
    @SaveError int memfd_create(String name, int flags);

    /** {@code int ftruncate(int fd, off_t length);} */
    @SaveError int ftruncate(int fd, long length);

    /** {@code int fallocate(int fd, int mode, off_t offset, off_t len);} */
    @SaveError int fallocate(int fd, int mode, long offset, long len);

    /** {@code int munmap(void *addr, size_t length);} */
    @SaveError int munmap(long addr, long length);

    /** {@code int madvise(void *addr, size_t length, int advice);} */
    @SaveError int madvise(long addr, long length, int advice);

    /** {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);} */
    @SaveError int sched_setaffinity(int pid, long size, long mask);

    /** {@code int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask);} */
    @SaveError int sched_getaffinity(int pid, long size, long mask);

    /** {@code int sched_getcpu(void);} */
    @SaveError int sched_getcpu();

    /** {@code int kill(pid_t pid, int sig);} */
    @SaveError int kill(int pid, int sig);

    /** {@code int tgkill(pid_t tgid, pid_t tid, int sig);} (glibc 2.30) */
    @SaveError int tgkill(int tgid, int tid, int sig);

    /** {@code pid_t gettid(void);} (glibc 2.30) */
    @IgnoreError int gettid();

    /** {@code pid_t getpid(void);} */
    @IgnoreError int getpid();

    /** {@code int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);} */
    @SaveError int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** {@code ssize_t process_vm_readv(pid_t pid, const struct iovec *local, unsigned long liovcnt, const struct iovec *remote, unsigned long riovcnt, unsigned long flags);} */
    @SaveError long process_vm_readv(int pid, long local, long localCount, long remote, long remoteCount, long flags);

    /** {@code ssize_t process_vm_writev(pid_t pid, const struct iovec *local, unsigned long liovcnt, const struct iovec *remote, unsigned long riovcnt, unsigned long flags);} */
    @SaveError long process_vm_writev(int pid, long local, long localCount, long remote, long remoteCount, long flags);

    /** {@code int openat(int dirfd, const char *pathname, int flags, mode_t mode);} */
    @SaveError int openat(int dirFd, String path, int flags, int mode);

    /** {@code int close(int fd);} */
    @SaveError int close(int fd);

    /** {@code int dup(int fd);} */
    @SaveError int dup(int fd);

    /** {@code ssize_t read(int fd, void *buf, size_t count);} */
    @SaveError long read(int fd, long buf, long count);

    /** {@code ssize_t write(int fd, const void *buf, size_t count);} */
    @SaveError long write(int fd, long buf, long count);

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset);} */
    @SaveError long pread(int fd, long buf, long count, long offset);

    /** {@code ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset);} */
    @SaveError long pwrite(int fd, long buf, long count, long offset);

    /** {@code off_t lseek(int fd, off_t offset, int whence);} */
    @SaveError long lseek(int fd, long offset, int whence);

    /** {@code int ioctl(int fd, unsigned long request, void *arg);} */
    @SaveError int ioctl(int fd, long request, long arg);

    /** {@code int fcntl(int fd, int cmd, long arg);} */
    @SaveError int fcntl(int fd, int cmd, long arg);

    /** {@code ssize_t readlinkat(int dirfd, const char *pathname, char *buf, size_t bufsiz);} */
    @SaveError long readlinkat(int dirFd, String path, long buf, long size);

    /** {@code int isatty(int fd);} */
    @SaveError int isatty(int fd);

    /** {@code int clock_gettime(clockid_t clockid, struct timespec *tp);} */
    @SaveError int clock_gettime(int clock, long timespec);

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout);} */
    @SaveError int poll(long fds, long count, int timeoutMillis);

    /** {@code long syscall(long number, ...);} with six integer arguments: the raw kernel ABI for calls glibc does not wrap (openat2, getdents64, newfstatat, statx). */
    @SaveError long syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5);

    /** {@code void *memset(void *s, int c, size_t n);} */
    @IgnoreError long memset(long dst, int c, long n);

    /** {@code void *memcpy(void *dest, const void *src, size_t n);} */
    @IgnoreError long memcpy(long dst, long src, long n);

    /** {@code char *strerror(int errnum);} */
    @IgnoreError String strerror(int errnum);
}
