/* eventfd and timerfd: counters and semaphores, their limits and errors; one-shot and interval
 * timers, absolute times, reading the expiry count, settime/gettime, and both in epoll. */
#include "case.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>

static void rd(const char *what, int fd) {
    uint64_t v = 0;
    long n = read(fd, &v, sizeof v);
    if (n < 0) printf("%s: read -1 %s\n", what, strerrorname_np(errno));
    else printf("%s: read %ld -> %llu\n", what, n, (unsigned long long)v);
}
static void wr(const char *what, int fd, uint64_t v) {
    long n = write(fd, &v, sizeof v);
    if (n < 0) printf("%s: write -1 %s\n", what, strerrorname_np(errno));
    else printf("%s: write %ld\n", what, n);
}

static void eventfd_counter(void) {
    int e = eventfd(3, EFD_NONBLOCK);
    rd("initial", e);
    rd("empty", e);
    wr("add 5", e, 5);
    wr("add 7", e, 7);
    rd("sum", e);
    wr("max", e, 0xfffffffffffffffeULL);
    wr("one more", e, 1);
    wr("all ones", e, 0xffffffffffffffffULL);
    char small[4];
    T(read(e, small, 4));
    T(write(e, small, 4));
    T(read(e, WILD, 8));
    rd("still full", e);
    T(eventfd(0, 0x1234));
    T(syscall(SYS_eventfd, 1));
    T(fcntl(eventfd(0, EFD_CLOEXEC), F_GETFD));
    T(fcntl(eventfd(0, EFD_NONBLOCK), F_GETFL) & O_NONBLOCK);
}

static void eventfd_semaphore_and_poll(void) {
    int e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    rd("one", e);
    rd("two", e);
    rd("none", e);
    struct pollfd p = {.fd = e, .events = POLLIN | POLLOUT};
    T(poll(&p, 1, 0));
    printf("revents %#x\n", p.revents);
    wr("add", e, 1);
    T(poll(&p, 1, 0));
    printf("revents %#x\n", p.revents);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 9}, out[2];
    T(epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev));
    T(epoll_wait(ep, out, 2, 0));
    T(epoll_wait(ep, out, 2, 0));
    wr("add again", e, 1);
    T(epoll_wait(ep, out, 2, 0));
}

static void timerfd_errors(void) {
    T(timerfd_create(42, 0));
    T(timerfd_create(CLOCK_MONOTONIC, 0x40));
    T(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec v = {{0, 0}, {0, 0}}, bad = {{0, 0}, {0, 1000000000}};
    T(timerfd_settime(t, 0x10, &v, NULL));
    T(timerfd_settime(t, 0, &bad, NULL));
    T(timerfd_settime(t, 0, WILD, NULL));
    T(timerfd_settime(0, 0, &v, NULL));
    T(timerfd_settime(999, 0, &v, NULL));
    T(timerfd_gettime(0, &v));
    T(timerfd_gettime(t, WILD));
    char small[4];
    T(read(t, small, 4));
    rd("disarmed", t);
    T(fcntl(timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC), F_GETFD));
}

static void timerfd_one_shot_and_interval(void) {
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec v = {{0, 0}, {0, 20000000}}, cur;
    T(timerfd_settime(t, 0, &v, NULL));
    T(timerfd_gettime(t, &cur));
    Y("armed: time left in (0, 20 ms]", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20000000);
    rd("one shot (blocking)", t);
    T(timerfd_gettime(t, &cur));
    printf("after: %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    struct itimerspec every = {{0, 10000000}, {0, 10000000}}, old;
    T(timerfd_settime(t, 0, &every, &old));
    printf("old %ld %ld\n", (long)old.it_value.tv_sec, old.it_value.tv_nsec);
    struct timespec ts = {0, 55000000};
    nanosleep(&ts, NULL);
    uint64_t n = 0;
    read(t, &n, sizeof n);
    Y("several expiries counted (>= 4)", n >= 4);
    T(timerfd_gettime(t, &cur));
    Y("interval kept", cur.it_interval.tv_nsec == 10000000);
    struct itimerspec off = {{0, 0}, {0, 0}};
    T(timerfd_settime(t, 0, &off, &old));
    Y("old interval returned", old.it_interval.tv_nsec == 10000000);
}

static void timerfd_absolute_and_epoll(void) {
    int t = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec past = {{0, 0}, {now.tv_sec - 10, 0}};
    T(timerfd_settime(t, TFD_TIMER_ABSTIME, &past, NULL));
    rd("absolute time past", t);
    int m = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 30000000;
    if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
    struct itimerspec soon = {{0, 0}, now};
    T(timerfd_settime(m, TFD_TIMER_ABSTIME, &soon, NULL));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 4}, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev);
    T(epoll_wait(ep, out, 2, 0));
    T(epoll_wait(ep, out, 2, 5000));
    printf("event %#x data %llu\n", out[0].events, (unsigned long long)out[0].data.u64);
    rd("expired", m);
    struct pollfd p = {.fd = m, .events = POLLIN};
    T(poll(&p, 1, 0));
}

MAIN(K(eventfd_counter), K(eventfd_semaphore_and_poll), K(timerfd_errors), K(timerfd_one_shot_and_interval),
     K(timerfd_absolute_and_epoll))
