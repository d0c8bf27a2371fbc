/* Limits and usage: getrlimit, setrlimit, prlimit64 (lowering and raising, errors), getrusage,
 * times. The starting limits are whatever the parent gave (they differ between a test runner
 * and a sandbox), so cases set the limits they read back. Usage and times: only that they are
 * sane (counts never negative, user time grows with work). */
#include "case.h"
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/mman.h>

static void rlimit_roundtrip(void) {
    int res[] = {RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_NOFILE,
                 RLIMIT_AS, RLIMIT_NPROC, RLIMIT_MEMLOCK, RLIMIT_LOCKS, RLIMIT_SIGPENDING,
                 RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME};
    for (unsigned i = 0; i < sizeof res / sizeof res[0]; i++) {
        /* lowering is always allowed; the starting values differ between hosts and sandboxes */
        struct rlimit old, got = {0, 0};
        getrlimit(res[i], &old);
        /* high enough that nothing here reaches them (a low RLIMIT_FSIZE would stop the output) */
        rlim_t cur = (1UL << 30) - 4096 * i, max = (1UL << 31) - 4096 * i;
        struct rlimit set = {old.rlim_max < cur ? old.rlim_max : cur, old.rlim_max < max ? old.rlim_max : max};
        long a = setrlimit(res[i], &set);
        long b = getrlimit(res[i], &got);
        printf("resource %d: set %ld get %ld, reads back %s\n", res[i], a, b,
               got.rlim_cur == set.rlim_cur && got.rlim_max == set.rlim_max ? "yes" : "no");
    }
}
static void rlimit_infinity(void) {
    struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY}, got;
    T(setrlimit(RLIMIT_CORE, &inf));
    T(getrlimit(RLIMIT_CORE, &got));
    Y("infinity reads back", got.rlim_cur == RLIM_INFINITY && got.rlim_max == RLIM_INFINITY);
    struct rlimit half = {4096, RLIM_INFINITY};
    T(setrlimit(RLIMIT_CORE, &half));
    T(getrlimit(RLIMIT_CORE, &got));
    printf("%lu %s\n", (unsigned long)got.rlim_cur, got.rlim_max == RLIM_INFINITY ? "inf" : "finite");
}
static void rlimit_errors(void) {
    struct rlimit r = {10, 5}, got;
    T(setrlimit(RLIMIT_CORE, &r));
    T(syscall(SYS_getrlimit, 99, &got));
    T(syscall(SYS_setrlimit, 99, &got));
    T(syscall(SYS_getrlimit, RLIMIT_NOFILE, NULL));
    T(syscall(SYS_getrlimit, RLIMIT_NOFILE, WILD));
    T(syscall(SYS_setrlimit, RLIMIT_NOFILE, NULL));
    T(syscall(SYS_getrlimit, -1, &got));
    struct rlimit big = {1UL << 40, 1UL << 40};
    T(setrlimit(RLIMIT_NOFILE, &big));
}
static void rlimit_raise_hard(void) {
    /* raising a hard limit needs CAP_SYS_RESOURCE, which a host may withhold even from
     * root: only an unprivileged user's attempt is certain to fail */
    struct rlimit r = {100, 200}, got;
    T(setrlimit(RLIMIT_CORE, &r));
    struct rlimit up = {100, 300};
    T(syscall(SYS_setuid, 1000));
    struct rlimit down = {50, 250};
    T(setrlimit(RLIMIT_CORE, &down));
    T(setrlimit(RLIMIT_CORE, &up));
    T(getrlimit(RLIMIT_CORE, &got));
    printf("%lu %lu\n", (unsigned long)got.rlim_cur, (unsigned long)got.rlim_max);
}
static void prlimit_cases(void) {
    struct rlimit n = {64, 128}, old = {0, 0};
    T(prlimit(0, RLIMIT_NOFILE, &n, &old));
    Y("old limit was returned", old.rlim_cur > 0);
    T(prlimit(0, RLIMIT_NOFILE, NULL, &old));
    printf("%lu %lu\n", (unsigned long)old.rlim_cur, (unsigned long)old.rlim_max);
    T(prlimit(getpid(), RLIMIT_NOFILE, NULL, &old));
    T(prlimit(999999, RLIMIT_NOFILE, NULL, &old));
    T(prlimit(0, 77, NULL, &old));
    T(prlimit(0, RLIMIT_NOFILE, NULL, NULL));
    T(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, WILD, NULL));
    T(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, WILD));
    struct rlimit bad = {10, 5};
    T(prlimit(0, RLIMIT_NOFILE, &bad, NULL));
    T(prlimit(-1, RLIMIT_NOFILE, NULL, &old));
}
static void nofile_enforced(void) {
    struct rlimit n = {8, 8};
    T(setrlimit(RLIMIT_NOFILE, &n));
    int fds = 0;
    while (dup(0) >= 0) fds++;
    printf("dup until it fails: %d more, then %s\n", fds, strerrorname_np(errno));
    struct rlimit low = {4, 8};
    T(setrlimit(RLIMIT_NOFILE, &low));
    T(dup(0));
    T(dup2(0, 5));
    T(close(7));
    T(dup(0));
}
static volatile unsigned long sink;
static void burn(void) {
    for (unsigned long i = 0; i < 60000000UL; i++) sink += i * i;
}
static void getrusage_cases(void) {
    struct rusage a, b;
    T(getrusage(RUSAGE_SELF, &a));
    burn();
    T(getrusage(RUSAGE_SELF, &b));
    long ua = a.ru_utime.tv_sec * 1000000 + a.ru_utime.tv_usec, ub = b.ru_utime.tv_sec * 1000000 + b.ru_utime.tv_usec;
    Y("user time grew with work", ub > ua);
    Y("usec in range", b.ru_utime.tv_usec < 1000000 && b.ru_stime.tv_usec < 1000000);
    Y("maxrss positive", b.ru_maxrss > 0);
    T(getrusage(RUSAGE_CHILDREN, &a));
    printf("children: %ld %ld\n", a.ru_utime.tv_sec * 1000000 + a.ru_utime.tv_usec, a.ru_maxrss);
    T(getrusage(RUSAGE_THREAD, &a));
    T(getrusage(5, &a));
    T(syscall(SYS_getrusage, RUSAGE_SELF, NULL));
    T(syscall(SYS_getrusage, RUSAGE_SELF, WILD));
}
static void times_cases(void) {
    struct tms a, b;
    long t1 = syscall(SYS_times, &a);
    burn();
    long t2 = syscall(SYS_times, &b);
    Y("elapsed ticks never go back", t2 >= t1);
    Y("user ticks grew or stayed (10 ms ticks)", b.tms_utime >= a.tms_utime);
    printf("children %ld %ld\n", (long)b.tms_cutime, (long)b.tms_cstime);
    Y("times(NULL) works", syscall(SYS_times, NULL) >= t2);
    T(syscall(SYS_times, WILD));
}

static void rlimit_raw_calls(void) {
    struct rlimit r = {100, 200}, got = {0, 0};
    T(syscall(SYS_setrlimit, RLIMIT_CORE, &r));
    T(syscall(SYS_getrlimit, RLIMIT_CORE, &got));
    printf("%lu %lu\n", (unsigned long)got.rlim_cur, (unsigned long)got.rlim_max);
    struct rlimit bad = {300, 200};
    T(syscall(SYS_setrlimit, RLIMIT_CORE, &bad));
    T(syscall(SYS_setrlimit, RLIMIT_CORE, WILD));
}
/* RLIMIT_AS: mmap, mremap and brk past it fail (ENOMEM; brk by not moving); a fixed mapping
 * over pages already mapped adds nothing. The limit is set well above what the program maps. */
static long mapped(void *p) { return p == MAP_FAILED ? -1 : 0; }
static void address_space_enforced(void) {
    char *first = sbrk(0);
    long big = 1L << 30; /* 1 GiB: more than the limit below leaves */
    struct rlimit r;
    getrlimit(RLIMIT_AS, &r);
    r.rlim_cur = 256L << 20;
    T(setrlimit(RLIMIT_AS, &r));
    T(mapped(mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
    void *a = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T(mapped(a));
    T(mmap(a, 16 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == a);
    T(mapped(mremap(a, 16 << 20, big, MREMAP_MAYMOVE)));
    T(mapped(mremap(a, 16 << 20, 32 << 20, MREMAP_MAYMOVE)));
    T(syscall(SYS_brk, first + big) == (long)first);
    T(syscall(SYS_brk, first + 4096) == (long)first + 4096);
    r.rlim_cur = RLIM_INFINITY;
    T(setrlimit(RLIMIT_AS, &r));
    T(mapped(mmap(NULL, big, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
}

MAIN(K(rlimit_roundtrip), K(rlimit_infinity), K(rlimit_errors), K(rlimit_raise_hard), K(prlimit_cases),
     K(nofile_enforced), K(getrusage_cases), K(times_cases), K(rlimit_raw_calls), K(address_space_enforced))
