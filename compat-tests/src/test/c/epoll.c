/* epoll: creation, the interest list's errors, level-triggered, edge-triggered and one-shot
 * reports on pipes, hang-ups, timeouts, a wait woken by another thread, nesting in poll. */
#include "case.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <time.h>

static struct epoll_event ev(unsigned events, unsigned long data) {
    struct epoll_event e = {.events = events, .data.u64 = data};
    return e;
}
static void show_events(const char *what, int n, struct epoll_event *evs) {
    printf("%s: %d", what, n);
    for (int i = 0; i < n; i++) printf(" [%#x %lu]", evs[i].events, (unsigned long)evs[i].data.u64);
    printf("\n");
}

static void create_errors(void) {
    T(syscall(SYS_epoll_create, 0));
    T(syscall(SYS_epoll_create, -1));
    T(syscall(SYS_epoll_create1, 1));
    T(syscall(SYS_epoll_create1, O_NONBLOCK));
    int e = epoll_create1(EPOLL_CLOEXEC);
    Y("epoll_create1(EPOLL_CLOEXEC) gives a descriptor", e >= 0);
    T(fcntl(e, F_GETFD));
    int e2 = epoll_create(5);
    T(fcntl(e2, F_GETFD));
}

static void ctl_errors(void) {
    int e = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event x = ev(EPOLLIN, 7);
    int file = open("/etc/passwd", O_RDONLY);
    T(epoll_ctl(e, EPOLL_CTL_ADD, file, &x));
    T(epoll_ctl(e, EPOLL_CTL_ADD, e, &x));
    T(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &x));
    T(epoll_ctl(e, EPOLL_CTL_ADD, 999, &x));
    T(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &x));
    T(epoll_ctl(e, EPOLL_CTL_ADD, p[0], NULL));
    T(epoll_ctl(e, EPOLL_CTL_ADD, p[0], WILD));
    T(epoll_ctl(e, 42, p[0], &x));
    T(epoll_ctl(e, EPOLL_CTL_MOD, p[0], &x));
    T(epoll_ctl(e, EPOLL_CTL_DEL, p[0], NULL));
    T(epoll_ctl(e, EPOLL_CTL_ADD, p[0], &x));
    T(epoll_ctl(e, EPOLL_CTL_ADD, p[0], &x));
    T(epoll_ctl(e, EPOLL_CTL_MOD, p[0], &x));
    struct epoll_event ex = ev(EPOLLIN | EPOLLEXCLUSIVE, 1);
    T(epoll_ctl(e, EPOLL_CTL_MOD, p[0], &ex));
    struct epoll_event exbad = ev(EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1);
    T(epoll_ctl(e, EPOLL_CTL_ADD, p[1], &exbad));
    T(epoll_ctl(e, EPOLL_CTL_ADD, p[1], &ex));
    T(epoll_ctl(e, EPOLL_CTL_MOD, p[1], &x));
    T(epoll_ctl(e, EPOLL_CTL_DEL, p[0], NULL));
    T(epoll_ctl(e, EPOLL_CTL_DEL, p[0], NULL));
}

static void wait_errors(void) {
    int e = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event out[4];
    T(epoll_wait(e, out, 0, 0));
    T(epoll_wait(e, out, -1, 0));
    T(epoll_wait(e, NULL, 4, 0));
    T(epoll_wait(p[0], out, 4, 0));
    T(epoll_wait(999, out, 4, 0));
    T(epoll_wait(e, out, 4, 0));
    T(epoll_wait(e, out, 4, 20));
    sigset_t s;
    sigemptyset(&s);
    T(syscall(SYS_epoll_pwait, e, out, 4, 0, &s, 4));
    T(syscall(SYS_epoll_pwait, e, out, 4, 0, &s, 8));
    struct timespec ts = {0, 1000000}, bad = {0, -1};
    T(syscall(SYS_epoll_pwait2, e, out, 4, &ts, NULL, 8));
    T(syscall(SYS_epoll_pwait2, e, out, 4, &bad, NULL, 8));
}

static void level_triggered(void) {
    int e = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event a = ev(EPOLLIN, 1), b = ev(EPOLLOUT, 2), out[4];
    epoll_ctl(e, EPOLL_CTL_ADD, p[0], &a);
    epoll_ctl(e, EPOLL_CTL_ADD, p[1], &b);
    show_events("empty pipe", epoll_wait(e, out, 4, 0), out);
    write(p[1], "hello", 5);
    show_events("after a write", epoll_wait(e, out, 4, 0), out);
    show_events("again (level)", epoll_wait(e, out, 4, 0), out);
    show_events("max 1", epoll_wait(e, out, 1, 0), out);
    char buf[8];
    read(p[0], buf, sizeof buf);
    show_events("drained", epoll_wait(e, out, 4, 0), out);
    close(p[1]);
    show_events("writer closed", epoll_wait(e, out, 4, 0), out);
}

static void edge_triggered_and_oneshot(void) {
    int e = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event a = ev(EPOLLIN | EPOLLET, 1), out[4];
    epoll_ctl(e, EPOLL_CTL_ADD, p[0], &a);
    write(p[1], "x", 1);
    show_events("et first", epoll_wait(e, out, 4, 0), out);
    show_events("et again", epoll_wait(e, out, 4, 0), out);
    char buf[8];
    read(p[0], buf, sizeof buf);
    write(p[1], "y", 1);
    show_events("et after drain and write", epoll_wait(e, out, 4, 0), out);
    struct epoll_event o = ev(EPOLLIN | EPOLLONESHOT, 9);
    T(epoll_ctl(e, EPOLL_CTL_MOD, p[0], &o));
    show_events("oneshot", epoll_wait(e, out, 4, 0), out);
    show_events("oneshot spent", epoll_wait(e, out, 4, 0), out);
    T(epoll_ctl(e, EPOLL_CTL_MOD, p[0], &o));
    show_events("re-armed", epoll_wait(e, out, 4, 0), out);
}

static void closed_descriptor_leaves_the_set(void) {
    int e = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event a = ev(EPOLLIN, 3), out[4];
    epoll_ctl(e, EPOLL_CTL_ADD, p[0], &a);
    write(p[1], "z", 1);
    show_events("before close", epoll_wait(e, out, 4, 0), out);
    close(p[0]);
    show_events("after close", epoll_wait(e, out, 4, 0), out);
    T(epoll_ctl(e, EPOLL_CTL_DEL, p[0], NULL));
}

static int wp[2];
static void *late_writer(void *arg) {
    (void)arg;
    struct timespec ts = {0, 30000000};
    nanosleep(&ts, NULL);
    write(wp[1], "late", 4);
    return NULL;
}
static void wait_woken_by_a_thread(void) {
    int e = epoll_create1(0);
    pipe(wp);
    struct epoll_event a = ev(EPOLLIN, 5), out[4];
    epoll_ctl(e, EPOLL_CTL_ADD, wp[0], &a);
    pthread_t th;
    pthread_create(&th, NULL, late_writer, NULL);
    show_events("blocking wait", epoll_wait(e, out, 4, 5000), out);
    pthread_join(th, NULL);
}

static void epoll_in_poll(void) {
    int e = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event a = ev(EPOLLIN, 1);
    epoll_ctl(e, EPOLL_CTL_ADD, p[0], &a);
    struct pollfd pf = {.fd = e, .events = POLLIN};
    T(poll(&pf, 1, 0));
    write(p[1], "q", 1);
    T(poll(&pf, 1, 0));
    printf("revents %#x\n", pf.revents);
    int outer = epoll_create1(0);
    struct epoll_event b = ev(EPOLLIN, 77), out[2];
    T(epoll_ctl(outer, EPOLL_CTL_ADD, e, &b));
    show_events("nested", epoll_wait(outer, out, 2, 0), out);
}

MAIN(K(create_errors), K(ctl_errors), K(wait_errors), K(level_triggered), K(edge_triggered_and_oneshot),
     K(closed_descriptor_leaves_the_set), K(wait_woken_by_a_thread), K(epoll_in_poll))
