/* The frame of a family program: sub-cases chosen by argv[1], one case per invocation, so that
 * each runs natively and under cryo (in the three variants) on its own. `PROG --list` prints
 * the names; the Java side discovers the cases that way. Each line a case prints is a call and
 * its result or errno name: only what is stable across hosts (no addresses, times, pids, inode
 * numbers). Raw syscall() where glibc would check or rewrite arguments; a negative 64-bit
 * argument to the variadic syscall() is written as a long (-1L). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WILD ((void *)0xdeadbeef000UL)
#define ONE ((void *)1UL)
#define PG 4096UL

static char case_outbuf[1 << 16];

static void show(const char *what, long r) {
    if (r == -1) printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
}
/* The call as written and what it returned. */
#define T(call) (errno = 0, show(#call, (long)(call)))
/* A yes/no fact about a result, for values that differ between hosts. */
#define Y(what, cond) printf("%s: %s\n", what, (cond) ? "yes" : "no")

struct kase {
    const char *name;
    void (*fn)(void);
};
#define K(f) {#f, f}

static int run_cases(int argc, char **argv, const struct kase *cases, size_t n) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s --list | CASE\n", argv[0]);
        return 2;
    }
    if (!strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < n; i++) puts(cases[i].name);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(argv[1], cases[i].name)) {
            setvbuf(stdout, case_outbuf, _IOFBF, sizeof case_outbuf);
            cases[i].fn();
            printf("end of %s\n", cases[i].name);
            return 0;
        }
    }
    fprintf(stderr, "no case %s\n", argv[1]);
    return 2;
}
#define MAIN(...)                                                              \
    static const struct kase cases_[] = {__VA_ARGS__};                         \
    int main(int argc, char **argv) {                                          \
        return run_cases(argc, argv, cases_, sizeof cases_ / sizeof cases_[0]); \
    }
