/*
 * Pipes and descriptors: a parent and child moving 16 MiB through a pipe, EOF, EPIPE and
 * SIGPIPE, non-blocking ends, atomic small writes, FIONREAD, F_GETPIPE_SZ/F_SETPIPE_SZ, pipe2
 * flags, dup/dup2/dup3, fcntl F_DUPFD*, F_GETFD/F_SETFD, F_GETFL/F_SETFL, close_range, and
 * O_CLOEXEC across exec. argv[1] is /bin/busybox.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long r) {
    if (r < 0) printf("%s: %ld errno %d\n", what, r, errno);
    else printf("%s: %ld\n", what, r);
}

static void show(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
}

int main(int argc, char **argv) {
    const char *busybox = argc > 1 ? argv[1] : "/bin/busybox";
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2], st;

    /* 16 MiB from a child to its parent, in odd-sized writes, checked byte for byte. */
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        static unsigned char buf[70001];
        unsigned long n = 0;
        while (n < (16u << 20)) {
            size_t k = sizeof buf;
            if (n + k > (16u << 20)) k = (16u << 20) - n;
            for (size_t i = 0; i < k; i++) buf[i] = (unsigned char)((n + i) * 7 + 3);
            ssize_t w = write(p[1], buf, k);
            if (w <= 0) _exit(1);
            n += w;
        }
        _exit(0);
    }
    close(p[1]);
    unsigned long total = 0, bad = 0;
    static unsigned char rb[65536 + 13];
    ssize_t r;
    while ((r = read(p[0], rb, sizeof rb)) > 0) {
        for (ssize_t i = 0; i < r; i++) if (rb[i] != (unsigned char)((total + i) * 7 + 3)) bad++;
        total += r;
    }
    printf("received %lu bytes, %lu wrong, last read %zd\n", total, bad, r);
    waitpid(c, &st, 0);
    show("writer", st);
    close(p[0]);

    /* EPIPE: with SIGPIPE ignored, the write fails; with the default, the writer dies of it. */
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    report("write without readers (SIGPIPE ignored)", write(p[1], "x", 1));
    signal(SIGPIPE, SIG_DFL);
    c = fork();
    if (c == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    waitpid(c, &st, 0);
    show("writer without readers", st);
    close(p[1]);

    /* Non-blocking ends, FIONREAD, the capacity, atomic writes. */
    report("pipe2(O_NONBLOCK)", pipe2(p, O_NONBLOCK));
    char b[4096];
    report("read empty", read(p[0], b, sizeof b));
    report("F_GETPIPE_SZ", fcntl(p[1], F_GETPIPE_SZ));
    memset(b, 'a', sizeof b);
    long sum = 0;
    for (;;) {
        ssize_t w = write(p[1], b, 1000);
        if (w < 0) {
            report("filling: last write", w);
            break;
        }
        sum += w;
    }
    printf("pipe took %ld bytes\n", sum);
    int avail = -1;
    ioctl(p[0], FIONREAD, &avail);
    printf("FIONREAD %d\n", avail);
    report("read 100", read(p[0], b, 100));
    report("atomic write of 200 with 100 free", write(p[1], b, 200));
    report("write of 50", write(p[1], b, 50));
    report("F_SETPIPE_SZ smaller than contents", fcntl(p[1], F_SETPIPE_SZ, 4096));
    while (read(p[0], b, sizeof b) > 0) {}
    report("F_SETPIPE_SZ 5000", fcntl(p[1], F_SETPIPE_SZ, 5000));
    report("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    report("F_GETPIPE_SZ on a file", fcntl(0, F_GETPIPE_SZ) < 0 ? -1 : 0);
    report("F_GETFL read end", fcntl(p[0], F_GETFL));
    report("F_GETFL write end", fcntl(p[1], F_GETFL));
    report("F_SETFL blocking", fcntl(p[0], F_SETFL, 0));
    report("F_GETFL", fcntl(p[0], F_GETFL));
    close(p[1]);
    report("read at EOF", read(p[0], b, 10));
    report("write to the read end", write(p[0], b, 1));
    report("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
    struct stat sb;
    fstat(p[0], &sb);
    printf("fstat: fifo %d mode %o\n", S_ISFIFO(sb.st_mode), sb.st_mode & 0777);
    close(p[0]);
    report("pipe2 bad flags", pipe2(p, O_APPEND));
    report("pipe bad address", syscall(SYS_pipe, (void *)8));

    /* poll and select on a pipe's ends. */
    pipe(p);
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    report("poll: only the write end is ready", poll(pf, 2, 0));
    printf("  revents %x %x\n", pf[0].revents, pf[1].revents);
    write(p[1], "abc", 3);
    report("poll after a write", poll(pf, 2, 10));
    printf("  revents %x %x\n", pf[0].revents, pf[1].revents);
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(p[0], &rs);
    FD_SET(p[1], &ws);
    struct timeval tv = {0, 1000};
    report("select", select(p[1] + 1, &rs, &ws, NULL, &tv));
    printf("  read set %d, write set %d\n", FD_ISSET(p[0], &rs), FD_ISSET(p[1], &ws));
    /* glibc's select() is pselect6 underneath: the select system call itself, and ppoll. */
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    report("select system call", syscall(SYS_select, p[0] + 1, &rs, NULL, NULL, &tv));
    report("select system call, bad nfds", syscall(SYS_select, -1, NULL, NULL, NULL, &tv));
    struct timespec ts0 = {0, 0};
    report("ppoll", ppoll(pf, 2, &ts0, NULL));
    printf("  revents %x %x\n", pf[0].revents, pf[1].revents);
    ts0.tv_nsec = 1000000000; /* not a valid timespec */
    report("ppoll, bad timeout", ppoll(pf, 2, &ts0, NULL));
    close(p[1]);
    read(p[0], b, 3);
    pf[0].events = POLLIN;
    report("poll after the writer closed", poll(pf, 1, 0));
    printf("  revents %x\n", pf[0].revents);
    struct pollfd closedfd = {999, POLLIN, 0};
    report("poll on a closed fd", poll(&closedfd, 1, 0));
    printf("  revents %x\n", closedfd.revents);
    FD_ZERO(&rs);
    FD_SET(30, &rs);
    tv.tv_usec = 0;
    report("select on a closed fd", select(31, &rs, NULL, NULL, &tv));
    tv.tv_usec = 1000100; /* normalised to 1 s + 100 us, not EINVAL */
    report("select with over a million microseconds", select(1, NULL, NULL, NULL, &tv));
    tv.tv_usec = 20000;
    report("select timing out", select(0, NULL, NULL, NULL, &tv));
    close(p[0]);

    /* Descriptors. */
    int fd = dup(1);
    report("dup(1) is lowest free", fd > 2);
    report("dup2(fd, 20)", dup2(fd, 20));
    report("dup2 same fd", dup2(20, 20));
    report("dup2 bad fd", dup2(99, 21));
    report("dup3 same fd", dup3(20, 20, 0));
    report("dup3 bad flags", dup3(20, 21, O_APPEND));
    report("dup3 O_CLOEXEC", dup3(20, 21, O_CLOEXEC));
    report("F_GETFD", fcntl(21, F_GETFD));
    report("F_SETFD 0", fcntl(21, F_SETFD, 0));
    report("F_GETFD", fcntl(21, F_GETFD));
    report("F_DUPFD 30", fcntl(20, F_DUPFD, 30));
    report("F_DUPFD_CLOEXEC 30", fcntl(20, F_DUPFD_CLOEXEC, 30));
    report("F_GETFD 31", fcntl(31, F_GETFD));
    report("close_range(30, 31, CLOEXEC)", syscall(SYS_close_range, 30, 31, 4 /* CLOSE_RANGE_CLOEXEC */));
    report("F_GETFD 30", fcntl(30, F_GETFD));
    report("close_range(30, ~0)", syscall(SYS_close_range, 30, ~0u, 0));
    report("F_GETFD 30 after", fcntl(30, F_GETFD));
    report("close_range bad", syscall(SYS_close_range, 5, 4, 0));

    /* Redirection through dup2 in a child that execs: close-on-exec descriptors do not survive. */
    pipe(p);
    int keep = dup(p[1]), gone = fcntl(p[1], F_DUPFD_CLOEXEC, 40);
    c = fork();
    if (c == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        char k[16], g[16];
        snprintf(k, sizeof k, "%d", keep);
        snprintf(g, sizeof g, "%d", gone);
        execl(busybox, "sh", "-c", "echo to the pipe; echo kept >&$0; (echo not closed >&$1) 2>/dev/null || echo closed",
              k, g, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    close(keep);
    close(gone);
    char out[256];
    ssize_t n = 0, k2;
    while ((k2 = read(p[0], out + n, sizeof out - 1 - n)) > 0) n += k2;
    out[n] = 0;
    printf("child wrote: %s", out);
    waitpid(c, &st, 0);
    show("redirected child", st);
    close(p[0]);
    printf("done\n");
    return 0;
}
