/* Timers that signal: alarm (its remaining seconds, pause until it fires), setitimer periodic
 * ticks counted with sigsuspend, getitimer, ITIMER_VIRTUAL in a busy loop, POSIX timers
 * (SIGEV_SIGNAL with a value, SIGEV_NONE read back, SIGEV_THREAD_ID, overruns while blocked,
 * delete, errors), and sleeps that a signal interrupts with EINTR even under SA_RESTART. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms, vticks;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static void on_vt(int sig) {
    (void)sig;
    vticks++;
}

static void handle(int sig, void (*h)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

#define SHOW(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%-34s %ld %s\n", label, r_, r_ < 0 ? strerrorname_np(errno) : ""); } while (0)

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    handle(SIGALRM, on_alarm, SA_RESTART);

    SHOW("alarm(5) first", alarm(5));
    SHOW("alarm(0) returns", alarm(0));
    SHOW("alarm(0) again", alarm(0));
    struct itimerval it = {{0, 0}, {0, 300000}};
    setitimer(ITIMER_REAL, &it, NULL);
    SHOW("alarm(0) after 0.3 s itimer", alarm(0));

    /* pause until a 20 ms alarm. */
    struct itimerval shot = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &shot, NULL);
    SHOW("pause", pause());
    printf("alarms %d\n", alarms);

    /* Periodic ticks, counted with sigsuspend. */
    sigset_t block, empty, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, &old);
    alarms = 0;
    struct itimerval per = {{0, 5000}, {0, 5000}};
    setitimer(ITIMER_REAL, &per, NULL);
    while (alarms < 5) sigsuspend(&empty);
    struct itimerval got;
    getitimer(ITIMER_REAL, &got);
    printf("ticks %d, interval %ld.%06ld, value in (0, 5ms]: %d\n", alarms, (long)got.it_interval.tv_sec,
           (long)got.it_interval.tv_usec, got.it_value.tv_usec > 0 && got.it_value.tv_usec <= 5000);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    getitimer(ITIMER_REAL, &got);
    printf("disarmed: %ld %ld\n", (long)got.it_value.tv_sec, (long)got.it_value.tv_usec);
    SHOW("setitimer(5)", setitimer(5, &per, NULL));
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    SHOW("setitimer bad usec", setitimer(ITIMER_REAL, &bad, NULL));

    /* ITIMER_VIRTUAL: user CPU time only; a busy loop gets SIGVTALRM. */
    handle(SIGVTALRM, on_vt, 0);
    struct itimerval vt = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_VIRTUAL, &vt, NULL);
    for (volatile long i = 0; vticks < 3 && i < 4000000000L; i++) { }
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    printf("virtual ticks >= 3: %d\n", vticks >= 3);

    /* POSIX timer with a value, taken with sigwaitinfo. */
    sigemptyset(&block);
    sigaddset(&block, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &block, NULL);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN;
    ev.sigev_value.sival_int = 777;
    timer_t t1;
    SHOW("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &t1));
    struct itimerspec its = {{0, 0}, {0, 10 * 1000 * 1000}};
    SHOW("timer_settime", timer_settime(t1, 0, &its, NULL));
    siginfo_t si;
    SHOW("sigwaitinfo", sigwaitinfo(&block, &si));
    printf("si_code %d (SI_TIMER %d) value %d overrun %d\n", si.si_code, SI_TIMER, si.si_value.sival_int,
           si.si_overrun);

    /* Overruns: a 1 ms periodic timer whose signal stays blocked for 50 ms. */
    struct itimerspec fast = {{0, 1000 * 1000}, {0, 1000 * 1000}};
    timer_settime(t1, 0, &fast, NULL);
    struct timespec fifty = {0, 50 * 1000 * 1000};
    nanosleep(&fifty, NULL);
    sigwaitinfo(&block, &si);
    int ov = timer_getoverrun(t1);
    printf("overrun after 50 ms: >= 10 %d, si_overrun matches %d\n", ov >= 10, si.si_overrun == ov);
    struct itimerspec cur;
    timer_gettime(t1, &cur);
    printf("gettime interval %ld ns, value <= 1 ms %d\n", cur.it_interval.tv_nsec, cur.it_value.tv_nsec <= 1000000);
    struct itimerspec zero = {{0, 0}, {0, 0}}, oldv;
    timer_settime(t1, 0, &zero, &oldv);
    printf("old interval %ld\n", oldv.it_interval.tv_nsec);
    SHOW("timer_delete", timer_delete(t1));
    SHOW("timer_delete again", timer_delete(t1));
    SHOW("timer_getoverrun deleted", timer_getoverrun(t1));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SIGEV_NONE: nothing is sent, but the time left can be read. */
    ev.sigev_notify = SIGEV_NONE;
    timer_t t2;
    timer_create(CLOCK_REALTIME, &ev, &t2);
    struct itimerspec ten = {{0, 0}, {10, 0}};
    timer_settime(t2, 0, &ten, NULL);
    timer_gettime(t2, &cur);
    printf("SIGEV_NONE left in (9, 10] s: %d\n", cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec past = {{0, 0}, {now.tv_sec - 5, 0}};
    timer_settime(t2, TIMER_ABSTIME, &past, NULL);
    nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
    timer_gettime(t2, &cur);
    printf("SIGEV_NONE in the past: %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    timer_delete(t2);

    /* SIGEV_THREAD_ID to this thread. */
    handle(SIGUSR1, on_alarm, 0);
    alarms = 0;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGUSR1;
    ev._sigev_un._tid = gettid();
    timer_t t3;
    SHOW("timer_create THREAD_ID", timer_create(CLOCK_BOOTTIME, &ev, &t3));
    its.it_value.tv_nsec = 1000 * 1000;
    timer_settime(t3, 0, &its, NULL);
    while (alarms == 0) pause();
    printf("thread-directed alarms %d\n", alarms);
    timer_delete(t3);

    /* Errors. */
    ev._sigev_un._tid = 0x7ffffff0;
    SHOW("THREAD_ID of no thread", timer_create(CLOCK_MONOTONIC, &ev, &t3));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 65;
    SHOW("bad signal", timer_create(CLOCK_MONOTONIC, &ev, &t3));
    ev.sigev_signo = SIGUSR1;
    ev.sigev_notify = 99;
    SHOW("bad notify", timer_create(CLOCK_MONOTONIC, &ev, &t3));
    ev.sigev_notify = SIGEV_SIGNAL;
    SHOW("bad clock", timer_create(99, &ev, &t3));
    SHOW("MONOTONIC_RAW", timer_create(CLOCK_MONOTONIC_RAW, &ev, &t3));
    SHOW("raw timer_settime bad id", syscall(SYS_timer_settime, 12345, 0, &its, NULL));
    SHOW("raw timer_settime NULL", syscall(SYS_timer_settime, 12345, 0, NULL, NULL));
    SHOW("raw timer_gettime bad id", syscall(SYS_timer_gettime, 12345, &cur));

    /* A signal ends nanosleep with EINTR even with SA_RESTART, and says how much was left. */
    handle(SIGALRM, on_alarm, SA_RESTART);
    struct itimerval in20 = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &in20, NULL);
    struct timespec two = {2, 0}, rem = {0, 0};
    SHOW("nanosleep(2 s) with alarm", nanosleep(&two, &rem));
    printf("rem in (1, 2) s: %d\n", rem.tv_sec == 1);
    setitimer(ITIMER_REAL, &in20, NULL);
    int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &two, &rem);
    printf("clock_nanosleep relative: %s, rem %d\n", strerrorname_np(r), rem.tv_sec == 1);
    setitimer(ITIMER_REAL, &in20, NULL);
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct timespec until = {now.tv_sec + 2, now.tv_nsec};
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    printf("clock_nanosleep absolute: %s\n", strerrorname_np(r));

    /* sigtimedwait with a timeout that runs out. */
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    struct timespec tmo = {0, 30 * 1000 * 1000};
    SHOW("sigtimedwait 30 ms", sigtimedwait(&block, &si, &tmo));
    printf("done\n");
    return 0;
}
