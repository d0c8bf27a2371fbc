/* signalfd: its errors, reading blocked signals as signalfd_siginfo (kill, sigqueue, SIGCHLD),
 * readiness in poll and epoll, a mask replaced, a blocking read woken by another thread. */
#include "case.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>

static sigset_t only(int sig) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}
static void block(int sig) {
    sigset_t s = only(sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}
static void rd(const char *what, int fd) {
    struct signalfd_siginfo si;
    memset(&si, 0, sizeof si);
    long n = read(fd, &si, sizeof si);
    if (n < 0) {
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: %ld signo %u code %d pid-is-me %d status %d int %d\n", what, n, si.ssi_signo, si.ssi_code,
           si.ssi_pid == (unsigned)getpid(), si.ssi_status, si.ssi_int);
}

static void errors(void) {
    sigset_t s = only(SIGUSR1);
    T(signalfd(-1, &s, 0x4000));
    T(syscall(SYS_signalfd4, -1, &s, 4, 0));
    T(syscall(SYS_signalfd4, -1, WILD, 8, 0));
    T(signalfd(0, &s, 0));
    T(signalfd(999, &s, 0));
    int fd = signalfd(-1, &s, SFD_NONBLOCK | SFD_CLOEXEC);
    T(fcntl(fd, F_GETFD));
    char small[64];
    T(read(fd, small, sizeof small));
    T(syscall(SYS_signalfd, -1, &s, 8));
}

static void read_blocked_signals(void) {
    block(SIGUSR1);
    sigset_t s = only(SIGUSR1);
    int fd = signalfd(-1, &s, SFD_NONBLOCK);
    rd("nothing pending", fd);
    kill(getpid(), SIGUSR1);
    rd("after kill", fd);
    rd("taken", fd);
    block(SIGRTMIN);
    sigset_t r = only(SIGRTMIN);
    T(signalfd(fd, &r, 0));
    sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 42});
    kill(getpid(), SIGUSR1);
    rd("queued value", fd);
    rd("SIGUSR1 is out of the mask now", fd);
    sigset_t p;
    sigpending(&p);
    Y("SIGUSR1 still pending", sigismember(&p, SIGUSR1));
}

static void readiness(void) {
    block(SIGUSR2);
    sigset_t s = only(SIGUSR2);
    int fd = signalfd(-1, &s, SFD_NONBLOCK);
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    T(poll(&pf, 1, 0));
    raise(SIGUSR2);
    T(poll(&pf, 1, 0));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 5}, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    T(epoll_wait(ep, out, 2, 0));
    rd("read", fd);
    T(epoll_wait(ep, out, 2, 0));
}

static void sigchld(void) {
    block(SIGCHLD);
    sigset_t s = only(SIGCHLD);
    int fd = signalfd(-1, &s, 0);
    pid_t c = fork();
    if (c == 0) _exit(3);
    rd("child exit", fd);
    int st;
    waitpid(c, &st, 0);
}

static void *sender(void *arg) {
    (void)arg;
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    kill(getpid(), SIGUSR1);
    return NULL;
}
static void blocking_read(void) {
    block(SIGUSR1);
    sigset_t s = only(SIGUSR1);
    int fd = signalfd(-1, &s, 0);
    pthread_t th;
    pthread_create(&th, NULL, sender, NULL);
    rd("woken", fd);
    pthread_join(th, NULL);
}

MAIN(K(errors), K(read_blocked_signals), K(readiness), K(sigchld), K(blocking_read))
