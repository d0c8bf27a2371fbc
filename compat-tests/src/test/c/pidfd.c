/* pidfds: pidfd_open, poll and epoll on one, waitid(P_PIDFD) (blocking, WNOHANG and a
 * non-blocking pidfd), pidfd_send_signal with and without a siginfo, pidfd_getfd, and clone and
 * clone3 with CLONE_PIDFD; the errors of each. Descriptor numbers are the lowest free ones,
 * so they are printed; pids are not. */
#include "case.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <linux/sched.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long send_signal(int fd, int sig, siginfo_t *info, unsigned flags) {
    return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

/* A child that waits for a byte on a pipe, then exits with the byte's value. */
static int go[2];
static pid_t child_exiting_on_cue(void) {
    pipe(go);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        char c = 0;
        read(go[0], &c, 1);
        _exit(c);
    }
    return p;
}
static void cue(int status) {
    char c = (char)status;
    write(go[1], &c, 1);
}
static void show_waitid(int fd, int options) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    long r = syscall(SYS_waitid, P_PIDFD, fd, &si, options, NULL);
    if (r == -1) printf("waitid(P_PIDFD, %d) = -1 %s\n", fd, strerrorname_np(errno));
    else printf("waitid(P_PIDFD, %d) = %ld: code %d status %d\n", fd, r, si.si_code, si.si_status);
}

static void open_poll_wait(void) {
    pid_t p = child_exiting_on_cue();
    int fd = pidfd_open(p, 0);
    T(fd);
    T(fcntl(fd, F_GETFD));
    struct pollfd pf = {fd, POLLIN, 0};
    T(poll(&pf, 1, 0));
    cue(7);
    T(poll(&pf, 1, 5000));
    T(pf.revents);
    show_waitid(fd, WEXITED);
    T(pidfd_open(p, 0)); /* reaped: ESRCH */
    T(pidfd_open(-1, 0));
    T(pidfd_open(0, 0));
    T(pidfd_open(getpid(), 1));
    show_waitid(fd, WEXITED); /* its child is gone: ECHILD */
    show_waitid(0, WEXITED);
    show_waitid(99, WEXITED);
    show_waitid(-1, WEXITED);
}

static void *idle(void *a) {
    pause();
    return a;
}
static void thread_ids(void) {
    pthread_t th;
    pthread_create(&th, NULL, idle, NULL);
    usleep(20000);
    /* the thread's tid: the highest task of this process */
    long tid = -1;
    for (long x = getpid() + 1; x < getpid() + 64; x++) {
        if (syscall(SYS_tgkill, getpid(), x, 0) == 0) tid = x;
    }
    Y("found the thread", tid > 0);
    T(pidfd_open(tid, 0));
    int self = pidfd_open(getpid(), 0);
    T(self);
    show_waitid(self, WEXITED | WNOHANG); /* not a child of itself */
}

static void nonblocking(void) {
    pid_t p = child_exiting_on_cue();
    int fd = pidfd_open(p, PIDFD_NONBLOCK);
    T(fd);
    T(fcntl(fd, F_GETFL) & O_NONBLOCK);
    show_waitid(fd, WEXITED);
    show_waitid(fd, WEXITED | WNOHANG);
    cue(3);
    struct pollfd pf = {fd, POLLIN, 0};
    T(poll(&pf, 1, 5000));
    show_waitid(fd, WEXITED);
}

static void signals(void) {
    pid_t p = child_exiting_on_cue();
    int fd = pidfd_open(p, 0);
    T(send_signal(fd, 0, NULL, 0));
    T(send_signal(fd, SIGTERM, NULL, 99));
    T(send_signal(0, SIGTERM, NULL, 0));
    T(send_signal(77, SIGTERM, NULL, 0));
    T(send_signal(fd, 999, NULL, 0));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    T(send_signal(fd, SIGUSR2, &si, 0)); /* si_signo differs */
    si.si_code = SI_USER;
    T(send_signal(fd, SIGUSR1, &si, 0)); /* a kernel code to another process */
    T(send_signal(fd, SIGTERM, NULL, 0));
    show_waitid(fd, WEXITED);
    T(send_signal(fd, SIGTERM, NULL, 0)); /* reaped */
    int self = pidfd_open(getpid(), 0);
    signal(SIGUSR1, SIG_IGN);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    T(send_signal(self, SIGUSR1, &si, 0));
}

static void epoll_on_exit(void) {
    pid_t p = child_exiting_on_cue();
    int fd = pidfd_open(p, 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 42}, out;
    T(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
    T(epoll_wait(ep, &out, 1, 0));
    cue(0);
    T(epoll_wait(ep, &out, 1, 5000));
    T(out.data.u32);
    show_waitid(fd, WEXITED);
}

static void getfd(void) {
    int ready[2];
    pipe(ready);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        int f = open("/etc/passwd", O_RDONLY);
        dup2(f, 9);
        write(ready[1], "r", 1);
        pause();
        _exit(0);
    }
    char c;
    read(ready[0], &c, 1);
    int fd = pidfd_open(p, 0);
    int got = syscall(SYS_pidfd_getfd, fd, 9, 0);
    T(got);
    T(fcntl(got, F_GETFD));
    char buf[6] = {0};
    T(pread(got, buf, 5, 0));
    printf("%s\n", buf);
    T(syscall(SYS_pidfd_getfd, fd, 50, 0));
    T(syscall(SYS_pidfd_getfd, fd, 9, 1));
    T(syscall(SYS_pidfd_getfd, 0, 9, 0));
    kill(p, SIGKILL);
    show_waitid(fd, WEXITED);
    T(syscall(SYS_pidfd_getfd, fd, 9, 0));
}

static void clone_with_pidfd(void) {
    int pidfd = -1;
    struct clone_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_PIDFD;
    a.pidfd = (unsigned long)&pidfd;
    a.exit_signal = SIGCHLD;
    fflush(stdout);
    long p = syscall(SYS_clone3, &a, sizeof a);
    if (p == 0) _exit(5);
    T(p > 0);
    T(pidfd);
    T(fcntl(pidfd, F_GETFD));
    show_waitid(pidfd, WEXITED);
    a.flags = CLONE_PIDFD;
    a.exit_signal = SIGCHLD;
    a.pidfd = (unsigned long)WILD;
    T(syscall(SYS_clone3, &a, sizeof a));
    /* Legacy clone: the pidfd through parent_tid; not with CLONE_PARENT_SETTID. */
    int legacy = -1;
    T(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &legacy, 0, 0));
    fflush(stdout);
    p = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &legacy, 0, 0);
    if (p == 0) _exit(6);
    T(legacy);
    show_waitid(legacy, WEXITED);
    T(wait(NULL)); /* nothing left */
}

static void on_usr1(int s) { (void)s; }
/* CLONE_CLEAR_SIGHAND: the child starts with handled signals back at SIG_DFL, ignored ones still ignored. */
static void clone3_clear_sighand(void) {
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    struct clone_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_CLEAR_SIGHAND;
    a.exit_signal = SIGCHLD;
    fflush(stdout);
    long p = syscall(SYS_clone3, &a, sizeof a);
    if (p == 0) {
        struct sigaction s1, s2;
        sigaction(SIGUSR1, NULL, &s1);
        sigaction(SIGUSR2, NULL, &s2);
        _exit((s1.sa_handler == SIG_DFL ? 1 : 0) | (s2.sa_handler == SIG_IGN ? 2 : 0));
    }
    int st;
    T(waitpid(p, &st, 0) == p);
    T(WEXITSTATUS(st));
    struct sigaction mine;
    sigaction(SIGUSR1, NULL, &mine);
    T(mine.sa_handler == on_usr1);
    a.flags = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | CLONE_VM;
    T(syscall(SYS_clone3, &a, sizeof a));
}

MAIN(K(open_poll_wait), K(thread_ids), K(nonblocking), K(signals), K(epoll_on_exit), K(getfd), K(clone_with_pidfd), K(clone3_clear_sighand))
