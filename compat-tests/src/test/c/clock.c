/* Time: clock_gettime and clock_getres on every clock id, gettimeofday, time, nanosleep,
 * clock_nanosleep (relative, absolute, bad clocks), and their errors. Times are never printed:
 * only that clocks move forward, sleeps last at least what was asked, and resolutions. Raw
 * syscall() throughout: glibc's wrappers go to the vDSO, which the sandbox cannot see. */
#include "case.h"
#include <sys/time.h>
#include <time.h>

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

static void clock_gettime_clocks(void) {
    int ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
                 CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
    for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        struct timespec a, b;
        long r1 = syscall(SYS_clock_gettime, ids[i], &a);
        long r2 = syscall(SYS_clock_gettime, ids[i], &b);
        printf("clock %d: %ld %ld, valid nsec %d, not backwards %d\n", ids[i], r1, r2,
               a.tv_nsec >= 0 && a.tv_nsec < 1000000000, ns(&b) >= ns(&a));
    }
}
static void clock_gettime_errors(void) {
    struct timespec t;
    T(syscall(SYS_clock_gettime, 12, &t));
    T(syscall(SYS_clock_gettime, 100, &t));
    T(syscall(SYS_clock_gettime, -1, &t));
    T(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL));
    T(syscall(SYS_clock_gettime, CLOCK_REALTIME, WILD));
    T(syscall(SYS_clock_gettime, CLOCK_TAI, &t));
}
static void clock_getres_clocks(void) {
    int ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
                 CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, CLOCK_TAI};
    for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        struct timespec r = {99, 99};
        long rc = syscall(SYS_clock_getres, ids[i], &r);
        printf("clock %d: %ld res %lld ns\n", ids[i], rc, ns(&r));
    }
    struct timespec c;
    syscall(SYS_clock_getres, CLOCK_REALTIME_COARSE, &c);
    Y("coarse resolution is a tick (1..10 ms)", ns(&c) >= 1000000 && ns(&c) <= 10000000);
    T(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
    T(syscall(SYS_clock_getres, 77, &c));
    T(syscall(SYS_clock_getres, CLOCK_MONOTONIC, WILD));
    T(syscall(SYS_clock_getres, -1, NULL));
}
static void gettimeofday_time(void) {
    struct timeval tv;
    struct timezone tz = {77, 77};
    struct timespec ts;
    T(syscall(SYS_gettimeofday, &tv, NULL));
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
    /* the same clock: never behind, and ahead only by the time between the calls (a loaded
     * machine, or a checkpoint and restore landing between them, may take seconds) */
    Y("gettimeofday agrees with CLOCK_REALTIME", ts.tv_sec - tv.tv_sec <= 30 && ts.tv_sec >= tv.tv_sec);
    T(syscall(SYS_gettimeofday, NULL, &tz));
    printf("tz %d %d\n", tz.tz_minuteswest, tz.tz_dsttime);
    T(syscall(SYS_gettimeofday, NULL, NULL));
    T(syscall(SYS_gettimeofday, WILD, NULL));
    T(syscall(SYS_gettimeofday, &tv, WILD));
    time_t t = 0;
    long r = syscall(SYS_time, &t);
    Y("time returns and stores the same", r == t && r > 1600000000);
    Y("time(NULL) works", syscall(SYS_time, NULL) >= r);
    T(syscall(SYS_time, WILD));
}
static void nanosleep_cases(void) {
    struct timespec a, b, req = {0, 20 * 1000000}, rem = {9, 9};
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    T(syscall(SYS_nanosleep, &req, &rem));
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
    Y("slept at least 20 ms", ns(&b) - ns(&a) >= 20000000);
    struct timespec zero = {0, 0};
    T(syscall(SYS_nanosleep, &zero, NULL));
    struct timespec bad = {0, 1000000000};
    T(syscall(SYS_nanosleep, &bad, NULL));
    struct timespec neg = {-1, 0};
    T(syscall(SYS_nanosleep, &neg, NULL));
    struct timespec negns = {0, -1};
    T(syscall(SYS_nanosleep, &negns, NULL));
    T(syscall(SYS_nanosleep, NULL, NULL));
    T(syscall(SYS_nanosleep, WILD, NULL));
}
static void clock_nanosleep_cases(void) {
    struct timespec a, b, req = {0, 15 * 1000000};
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL));
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
    Y("relative: at least 15 ms", ns(&b) - ns(&a) >= 15000000);
    struct timespec until = b;
    until.tv_nsec += 10 * 1000000;
    if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
    T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL));
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    Y("absolute: woke after the deadline", ns(&a) >= ns(&until));
    struct timespec past = {1, 0};
    T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL));
    T(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &(struct timespec){0, 1000}, NULL));
    T(syscall(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &(struct timespec){0, 1000}, NULL));
}
static void clock_nanosleep_errors(void) {
    struct timespec req = {0, 1000};
    T(syscall(SYS_clock_nanosleep, 55, 0, &req, NULL));
    T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &(struct timespec){0, 2000000000}, NULL));
    T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, NULL, NULL));
    T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x10, &req, NULL));
}
static void clock_nanosleep_unsupported_clocks(void) {
    struct timespec req = {0, 1000};
    T(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL));
    T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &req, NULL));
    T(syscall(SYS_clock_nanosleep, CLOCK_REALTIME_COARSE, 0, &req, NULL));
}
static void monotonic_across_calls(void) {
    /* many reads in a row never go backwards (a checkpoint in the middle must not either) */
    struct timespec prev, now;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &prev);
    int back = 0;
    for (int i = 0; i < 200; i++) {
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
        if (ns(&now) < ns(&prev)) back++;
        prev = now;
    }
    printf("backwards steps: %d\n", back);
}

static void restart_syscall_direct(void) {
    /* with no interrupted call to continue, restart_syscall is EINTR (the restart block's
     * default, do_no_restart_syscall) */
    T(syscall(SYS_restart_syscall));
    T(syscall(SYS_restart_syscall));
}
static void time_agrees_with_realtime(void) {
    struct timespec ts;
    long t = syscall(SYS_time, NULL);
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
    Y("time() agrees with CLOCK_REALTIME (as gettimeofday_time)", ts.tv_sec - t <= 30 && ts.tv_sec >= t);
    /* the coarse clock lags the fine one by at most a tick: read between two fine reads (a
     * loaded machine may take long between the calls) */
    struct timespec c, f2;
    syscall(SYS_clock_gettime, CLOCK_REALTIME_COARSE, &c);
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &f2);
    Y("coarse between the fine reads, give or take a tick", ns(&c) >= ns(&ts) - 20000000 && ns(&c) <= ns(&f2));
}
static void sleep_loop(void) {
    /* fifty short sleeps: a checkpoint lands between (or restarts) one of them */
    struct timespec a, b, req = {0, 2000000};
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    int ok = 0;
    for (int i = 0; i < 50; i++) ok += syscall(SYS_nanosleep, &req, NULL) == 0;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
    printf("sleeps returned 0: %d, at least 100 ms in all: %s\n", ok, ns(&b) - ns(&a) >= 100000000 ? "yes" : "no");
}
static void clock_getres_null_and_cpu_clocks(void) {
    T(syscall(SYS_clock_getres, CLOCK_REALTIME, NULL));
    T(syscall(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, NULL));
    struct timespec a, b;
    syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &a);
    for (volatile int i = 0; i < 20000000; i++) {}
    syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &b);
    Y("process CPU time grew with work", ns(&b) > ns(&a));
}
MAIN(K(clock_gettime_clocks), K(clock_gettime_errors), K(clock_getres_clocks), K(gettimeofday_time),
     K(nanosleep_cases), K(clock_nanosleep_cases), K(clock_nanosleep_errors), K(clock_nanosleep_unsupported_clocks), K(monotonic_across_calls), K(restart_syscall_direct), K(time_agrees_with_realtime), K(sleep_loop), K(clock_getres_null_and_cpu_clocks))
