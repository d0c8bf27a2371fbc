/* Descriptors: dup, dup2, dup3, close, close_range, fcntl, ioctl, write, writev, pwrite64,
 * pwritev, pwritev2, fsync, fdatasync, syncfs, sync; the numbers a program sees are stable (the
 * lowest free one), so they are printed. Writes go to /dev/null and to stdout only. */
#include "case.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <linux/close_range.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>

static int ro(const char *p) { return open(p, O_RDONLY); }
static char buf[256];

static void dup_cases(void) {
    int fd = ro("/etc/passwd");
    T(dup(fd));
    T(dup(fd));
    T(close(4));
    T(dup(1));
    T(dup(-1));
    T(dup(999));
    T(dup(open("/etc", O_PATH)));
    T(fcntl(6, F_GETFD));
    T(fcntl(7, F_GETFD));
}
static void dup_shares_offset(void) {
    int a = ro("/etc/passwd");
    int b = dup(a);
    T(lseek(a, 10, SEEK_SET));
    T(lseek(b, 0, SEEK_CUR));
    T(read(b, buf, 5));
    T(lseek(a, 0, SEEK_CUR));
    int c = ro("/etc/passwd");
    T(lseek(c, 0, SEEK_CUR));
}
static void dup2_cases(void) {
    int fd = ro("/etc/passwd");
    T(dup2(fd, 10));
    T(dup2(fd, fd));
    T(dup2(fd, 10));
    T(dup2(-1, 10));
    T(dup2(99, 99));
    T(dup2(fd, -1));
    T(dup2(fd, 1 << 20));
    T(fcntl(10, F_GETFD));
    T(dup2(open("/etc/group", O_RDONLY), 10));
    T(read(10, buf, 5) == 5 && memcmp(buf, "root:", 5) == 0);
}
static void dup3_cases(void) {
    int fd = ro("/etc/passwd");
    T(dup3(fd, 10, O_CLOEXEC));
    T(fcntl(10, F_GETFD));
    T(dup3(fd, 11, 0));
    T(fcntl(11, F_GETFD));
    T(dup3(fd, fd, 0));
    T(dup3(fd, 12, O_NONBLOCK));
    T(dup3(-1, 12, 0));
    T(dup3(fd, -1, 0));
}
static void close_cases(void) {
    int fd = ro("/etc/passwd");
    T(close(fd));
    T(close(fd));
    T(close(-1));
    T(close(1 << 20));
    T(ro("/etc/passwd"));
}
static void close_range_cases(void) {
    for (int i = 0; i < 6; i++) ro("/etc/passwd"); /* 3..8 */
    T(syscall(SYS_close_range, 4, 5, 0));
    T(fcntl(4, F_GETFD));
    T(fcntl(6, F_GETFD));
    T(syscall(SYS_close_range, 6, 7, CLOSE_RANGE_CLOEXEC));
    T(fcntl(6, F_GETFD));
    T(syscall(SYS_close_range, 7, 6, 0));
    T(syscall(SYS_close_range, 3, 3, 0x80));
    T(syscall(SYS_close_range, 100, ~0U, 0));
    T(syscall(SYS_close_range, 6, ~0U, 0));
    T(fcntl(8, F_GETFD));
    T(fcntl(3, F_GETFD));
    T(syscall(SYS_close_range, 3, 3, CLOSE_RANGE_UNSHARE));
    T(fcntl(3, F_GETFD));
}
static void fcntl_fd_flags(void) {
    int fd = ro("/etc/passwd");
    T(fcntl(fd, F_GETFD));
    T(fcntl(fd, F_SETFD, FD_CLOEXEC));
    T(fcntl(fd, F_GETFD));
    T(fcntl(fd, F_SETFD, 0xff));
    T(fcntl(fd, F_GETFD));
    T(fcntl(fd, F_SETFD, 0));
    T(fcntl(fd, F_GETFD));
    T(fcntl(open("/etc/passwd", O_RDONLY | O_CLOEXEC), F_GETFD));
}
static void fcntl_status_flags(void) {
    int fd = ro("/etc/passwd");
    T(fcntl(fd, F_GETFL));
    T(fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND));
    T(fcntl(fd, F_GETFL));
    T(fcntl(fd, F_SETFL, O_RDWR | O_CREAT | O_TRUNC));
    T(fcntl(fd, F_GETFL));
    T(fcntl(open("/dev/null", O_WRONLY | O_APPEND), F_GETFL));
    T(fcntl(open("/dev/null", O_RDWR | O_SYNC), F_GETFL));
    T(fcntl(open("/etc", O_PATH), F_GETFL));
    T(fcntl(open("/etc/passwd", O_RDONLY | O_NOATIME | O_NOFOLLOW), F_GETFL));
}
static void fcntl_dupfd(void) {
    int fd = ro("/etc/passwd");
    T(fcntl(fd, F_DUPFD, 0));
    T(fcntl(fd, F_DUPFD, 20));
    T(fcntl(fd, F_DUPFD, 20));
    T(fcntl(fd, F_DUPFD_CLOEXEC, 30));
    T(fcntl(30, F_GETFD));
    T(fcntl(fd, F_DUPFD, -1));
    T(fcntl(fd, F_DUPFD, 1 << 20));
    T(fcntl(-1, F_DUPFD, 0));
}
static void fcntl_bad(void) {
    int fd = ro("/etc/passwd");
    T(fcntl(fd, 9999));
    T(fcntl(-1, F_GETFD));
    T(fcntl(999, F_GETFL));
    T(fcntl(open("/etc", O_PATH), F_GETFD));
    T(fcntl(open("/etc", O_PATH), F_DUPFD, 0));
    T(fcntl(open("/etc", O_PATH), F_SETFL, O_NONBLOCK));
}
static void fcntl_locks(void) {
    int fd = ro("/etc/passwd");
    struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    T(fcntl(fd, F_SETLK, &l));
    l.l_type = F_WRLCK;
    T(fcntl(fd, F_SETLK, &l));
    l.l_type = F_RDLCK;
    T(fcntl(fd, F_GETLK, &l));
    printf("l_type after F_GETLK: %s\n", l.l_type == F_UNLCK ? "F_UNLCK" : "locked");
    l.l_type = F_UNLCK;
    T(fcntl(fd, F_SETLK, &l));
    l.l_type = 99;
    T(fcntl(fd, F_SETLK, &l));
    T(fcntl(fd, F_SETLK, NULL));
    T(fcntl(fd, F_GETLK, WILD));
    l.l_type = F_RDLCK;
    l.l_whence = 9;
    T(fcntl(fd, F_SETLK, &l));
}
static void ioctl_cases(void) {
    int fd = ro("/etc/passwd");
    int n = -1;
    T(ioctl(fd, FIONREAD, &n));
    struct stat st;
    fstat(fd, &st);
    Y("FIONREAD = size", n == st.st_size);
    lseek(fd, 100, SEEK_SET);
    T(ioctl(fd, FIONREAD, &n));
    Y("FIONREAD = size - offset", n == st.st_size - 100);
    T(ioctl(fd, FIOCLEX));
    T(fcntl(fd, F_GETFD));
    T(ioctl(fd, FIONCLEX));
    T(fcntl(fd, F_GETFD));
    int on = 1;
    T(ioctl(fd, FIONBIO, &on));
    T(fcntl(fd, F_GETFL) & O_NONBLOCK);
    on = 0;
    T(ioctl(fd, FIONBIO, &on));
    T(fcntl(fd, F_GETFL) & O_NONBLOCK);
}
static void ioctl_errors(void) {
    int fd = ro("/etc/passwd");
    struct termios t;
    struct winsize w;
    T(ioctl(fd, TCGETS, &t));
    T(ioctl(fd, TIOCGWINSZ, &w));
    T(ioctl(open("/dev/null", O_RDONLY), TCGETS, &t));
    T(ioctl(fd, 0x12345678, 0));
    T(ioctl(-1, FIONREAD, buf));
    T(ioctl(fd, FIONREAD, NULL));
    T(ioctl(fd, FIONBIO, WILD));
    T(ioctl(open("/etc", O_PATH), FIOCLEX));
    T(ioctl(open("/etc", O_PATH), FIONREAD, buf));
}
static void write_cases(void) {
    int nul = open("/dev/null", O_WRONLY);
    T(write(nul, buf, sizeof buf));
    T(write(nul, buf, 0));
    T(write(ro("/etc/passwd"), buf, 1));
    T(write(-1, buf, 1));
    T(write(open("/dev/null", O_PATH), buf, 1));
    T(syscall(SYS_write, nul, NULL, 1L));
    T(syscall(SYS_write, nul, WILD, 1L));
    T(syscall(SYS_write, nul, NULL, 0L));
    fflush(stdout);
    T(write(1, "direct to stdout\n", 17));
    T(write(2, "to stderr\n", 10));
}
static void writev_cases(void) {
    fflush(stdout);
    struct iovec v[3] = {{"one ", 4}, {NULL, 0}, {"two\n", 4}};
    T(writev(1, v, 3));
    int nul = open("/dev/null", O_WRONLY);
    T(writev(nul, v, 0));
    T(syscall(SYS_writev, nul, v, -1L));
    T(syscall(SYS_writev, nul, v, 1025L));
    struct iovec bad[2] = {{"x", 1}, {WILD, 4}};
    T(writev(nul, bad, 2));
    T(writev(ro("/etc/passwd"), v, 3));
}
static void pwrite_cases(void) {
    int nul = open("/dev/null", O_WRONLY);
    T(pwrite(nul, buf, 10, 0));
    T(pwrite(nul, buf, 10, 1 << 20));
    T(syscall(SYS_pwrite64, nul, buf, 10L, -1L));
    T(pwrite(ro("/etc/passwd"), buf, 1, 0));
    struct iovec v[1] = {{buf, 8}};
    T(pwritev(nul, v, 1, 0));
    T(syscall(SYS_pwritev, nul, v, 1L, -1L, 0L));
    T(syscall(SYS_pwritev2, nul, v, 1L, 0L, 0L, 0L));
    T(syscall(SYS_pwritev2, nul, v, 1L, -1L, 0L, 0L));
    T(syscall(SYS_pwritev2, nul, v, 1L, 0L, 0L, (long)RWF_DSYNC));
    T(syscall(SYS_pwritev2, nul, v, 1L, 0L, 0L, 0x1000L));
    T(syscall(SYS_pwritev2, ro("/etc/passwd"), v, 1L, 0L, 0L, 0L));
}
static void sync_cases(void) {
    int fd = ro("/etc/passwd");
    T(fsync(fd));
    T(fdatasync(fd));
    T(fsync(-1));
    T(fdatasync(999));
    T(fsync(open("/etc", O_RDONLY)));
    T(fsync(open("/etc", O_PATH)));
    T(syscall(SYS_syncfs, fd));
    T(syscall(SYS_syncfs, -1));
    T(syscall(SYS_sync));
}
static void nofile_limit(void) {
    struct rlimit r = {16, 16};
    T(setrlimit(RLIMIT_NOFILE, &r));
    int last = -1, n = 0;
    for (;;) {
        int fd = ro("/etc/passwd");
        if (fd < 0) break;
        last = fd;
        n++;
    }
    printf("opened %d, last fd %d, then %s\n", n, last, strerrorname_np(errno));
    T(dup(0));
    T(dup2(0, 16));
    T(dup2(0, 15));
    T(fcntl(0, F_DUPFD, 16));
}

static void fd_table_grows(void) {
    /* the starting RLIMIT_NOFILE is the parent's (a JVM raises its own): set one */
    struct rlimit r = {6000, 6000};
    T(setrlimit(RLIMIT_NOFILE, &r));
    T(dup2(0, 1000));
    T(dup2(0, 5000));
    T(fcntl(5000, F_GETFD));
    T(fcntl(0, F_DUPFD, 4000));
    T(close(1000));
    T(fcntl(0, F_DUPFD, 999));
    T(syscall(SYS_close_range, 4000, 6000, 0));
    T(fcntl(5000, F_GETFD));
    T(dup(0));
}
static void cloexec_per_descriptor(void) {
    int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    int d = dup(fd);
    T(fcntl(fd, F_GETFD));
    T(fcntl(d, F_GETFD));
    T(dup2(fd, 9));
    T(fcntl(9, F_GETFD));
    T(fcntl(fd, F_SETFL, O_NONBLOCK));
    T(fcntl(d, F_GETFL) & O_NONBLOCK);
}
static void offsets_are_per_open(void) {
    int a = ro("/etc/passwd"), b = ro("/etc/passwd");
    char x[4], y[4];
    T(read(a, x, 4));
    T(read(b, y, 4));
    Y("two opens read the same first bytes", memcmp(x, y, 4) == 0);
    T(lseek(a, 0, SEEK_CUR));
    int c = dup(a);
    T(close(a));
    T(lseek(c, 0, SEEK_CUR));
}
/* clone(CLONE_FILES) without CLONE_VM: two processes, one descriptor table. What the child opens,
 * closes or dups, the parent sees, until the child execs (the table is unshared then) or exits
 * (the table lives on with the parent). close_range(CLOSE_RANGE_UNSHARE) takes a copy first. */
static void clone_files_shared(void) {
    int keep = open("/etc/hostname", O_RDONLY);
    int gone = dup(keep);
    int p[2];
    T(pipe(p));
    long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        int mine = open("/etc/passwd", O_RDONLY);
        close(gone);
        dup2(keep, 40);
        if (write(p[1], &mine, sizeof mine) != sizeof mine) _exit(1);
        _exit(0);
    }
    int st, theirs = -1;
    T(waitpid((pid_t)pid, &st, 0) == pid);
    printf("status %d\n", st);
    T(read(p[0], &theirs, sizeof theirs));
    Y("the child's open file is open here", fcntl(theirs, F_GETFD) >= 0);
    T(fcntl(gone, F_GETFD));
    Y("the child's dup2 is here", fcntl(40, F_GETFD) >= 0);
    T(close(40));
    T(close(theirs));

    /* close_range with CLOSE_RANGE_UNSHARE in a sharing child closes its own copy only */
    pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_UNSHARE) != 0) _exit(2);
        _exit(fcntl(keep, F_GETFD) >= 0 ? 3 : 0);
    }
    T(waitpid((pid_t)pid, &st, 0) == pid);
    printf("status %d\n", st);
    Y("still open here", fcntl(keep, F_GETFD) >= 0);

    /* exec unshares the table before closing what is close-on-exec: the parent keeps both */
    int cloexec = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        execl("/bin/busybox", "sh", "-c", "exec 9</etc/passwd", (char *)NULL);
        _exit(127);
    }
    T(waitpid((pid_t)pid, &st, 0) == pid);
    printf("status %d\n", st);
    Y("the close-on-exec descriptor is still open here", fcntl(cloexec, F_GETFD) >= 0);
    T(fcntl(9, F_GETFD));
    T(close(cloexec));
    T(close(keep));
    T(close(p[0]));
    T(close(p[1]));
}

/* copy_file_range's checks (the copy between two regular files is not reached here: nothing on
 * the read-only root can be written). */
static void copy_file_range_checks(void) {
    int in = ro("/etc/passwd");
    int p[2];
    pipe(p);
    int dir = open("/etc", O_RDONLY | O_DIRECTORY);
    int null = open("/dev/null", O_WRONLY);
    T(copy_file_range(in, NULL, p[1], NULL, 10, 0));
    T(copy_file_range(in, NULL, null, NULL, 10, 0));
    T(copy_file_range(dir, NULL, null, NULL, 10, 0));
    T(copy_file_range(p[0], NULL, null, NULL, 10, 0));
    T(copy_file_range(in, NULL, in, NULL, 10, 0));
    T(copy_file_range(in, NULL, p[1], NULL, 10, 1));
    T(copy_file_range(99, NULL, p[1], NULL, 10, 0));
    T(copy_file_range(in, NULL, 99, NULL, 10, 0));
    T(copy_file_range(in, WILD, p[1], NULL, 10, 0));
    T(copy_file_range(open("/etc", O_PATH), NULL, p[1], NULL, 10, 0));
}

/* flock(2): shared locks together, an exclusive one alone; a lock belongs to the open file
 * description (dup'ed and inherited descriptors share it, another open() of the file does not);
 * a blocked LOCK_EX waits for the holder's last close. */
static void flock_cases(void) {
    int a = ro("/etc/passwd"), b = ro("/etc/passwd");
    T(flock(a, LOCK_SH));
    T(flock(b, LOCK_SH | LOCK_NB));
    T(flock(b, LOCK_EX | LOCK_NB)); /* a holds a shared lock: EWOULDBLOCK */
    T(flock(a, LOCK_UN));
    T(flock(b, LOCK_EX | LOCK_NB)); /* b converts: alone now */
    T(flock(a, LOCK_SH | LOCK_NB));
    int c = dup(b);
    T(flock(c, LOCK_EX | LOCK_NB)); /* the same description: already its lock */
    T(flock(a, 0));
    T(flock(a, LOCK_SH | LOCK_EX));
    T(flock(99, LOCK_SH));
    T(flock(open("/etc", O_PATH), LOCK_SH));
    T(flock(1, LOCK_UN)); /* nothing held: fine */
    int go[2];
    pipe(go);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        /* the child holds b's description too: the lock stays until both close */
        char x;
        read(go[0], &x, 1);
        close(b);
        close(c);
        _exit(0);
    }
    close(b);
    close(c);
    T(flock(a, LOCK_SH | LOCK_NB)); /* the child's copy still holds it */
    write(go[1], "x", 1);
    T(flock(a, LOCK_SH)); /* blocks until the child's close */
    int st;
    waitpid(p, &st, 0);
    T(flock(a, LOCK_EX | LOCK_NB));
}

MAIN(K(dup_cases), K(dup_shares_offset), K(dup2_cases), K(dup3_cases), K(close_cases), K(close_range_cases),
     K(fcntl_fd_flags), K(fcntl_status_flags), K(fcntl_dupfd), K(fcntl_bad), K(fcntl_locks), K(ioctl_cases),
     K(ioctl_errors), K(write_cases), K(writev_cases), K(pwrite_cases), K(sync_cases), K(nofile_limit), K(fd_table_grows), K(cloexec_per_descriptor), K(offsets_are_per_open),
     K(clone_files_shared), K(copy_file_range_checks), K(flock_cases))
