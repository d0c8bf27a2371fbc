/*
 * getpid round trip: times N raw getpid(2) system calls in batches and prints the median and
 * mean cost of one call, in microseconds.
 *
 * Timing uses the TSC (rdtsc is not intercepted by ptrace sandboxes, so it costs the same inside
 * and out, and needs no clock_gettime support from the sandbox). The TSC rate comes from the
 * command line; `getpid --calibrate` measures it against CLOCK_MONOTONIC on the host.
 *
 *   getpid --calibrate              prints TSC ticks per microsecond
 *   getpid TICKS_PER_US [N [BATCH]] runs the benchmark (default N=200000, BATCH=1000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>

static inline uint64_t tsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The raw instruction: no libc wrapper, no caching, always one kernel entry. */
static inline long raw_getpid(void) {
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"((long)SYS_getpid) : "rcx", "r11", "memory");
    return ret;
}

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--calibrate") == 0) {
        double t0 = now_us();
        uint64_t c0 = tsc();
        while (now_us() - t0 < 200000) { }
        double t1 = now_us();
        uint64_t c1 = tsc();
        printf("%.3f\n", (double)(c1 - c0) / (t1 - t0));
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: getpid --calibrate | getpid TICKS_PER_US [N [BATCH]]\n");
        return 2;
    }
    double ticks_per_us = atof(argv[1]);
    long n = argc > 2 ? atol(argv[2]) : 200000;
    long batch = argc > 3 ? atol(argv[3]) : 1000;
    long batches = n / batch;
    if (ticks_per_us <= 0 || batch <= 0 || batches <= 0) {
        fprintf(stderr, "getpid: bad arguments\n");
        return 2;
    }
    double *per_call = malloc(sizeof(double) * batches);
    long pid = raw_getpid();
    for (long i = 0; i < batch; i++) raw_getpid(); /* warm-up: JIT, caches */
    double total = 0;
    for (long b = 0; b < batches; b++) {
        uint64_t c0 = tsc();
        for (long i = 0; i < batch; i++) {
            if (raw_getpid() != pid) {
                fprintf(stderr, "getpid: pid changed\n");
                return 1;
            }
        }
        uint64_t c1 = tsc();
        per_call[b] = (double)(c1 - c0) / ticks_per_us / batch;
        total += per_call[b];
    }
    qsort(per_call, batches, sizeof(double), cmp);
    /* returned= shows what the sandbox answered: a pid, or -38 (-ENOSYS) where getpid is not
     * served yet; the round trip is measured either way. */
    printf("getpid calls=%ld median_us=%.3f mean_us=%.3f min_us=%.3f max_us=%.3f returned=%ld\n",
           batches * batch, per_call[batches / 2], total / batches, per_call[0], per_call[batches - 1], pid);
    return 0;
}
