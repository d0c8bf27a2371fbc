/* System information and scheduling: sysinfo, getrandom, getcpu, sched_getaffinity,
 * sched_yield, sched_getparam/getscheduler/priority ranges, getpriority/setpriority,
 * personality. Host figures (memory, uptime, CPU numbers) are printed only as relations. */
#include "case.h"
#include <sched.h>
#include <sys/personality.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

static void sysinfo_fields(void) {
    struct sysinfo s;
    T(sysinfo(&s));
    Y("uptime positive", s.uptime > 0);
    Y("free <= total ram", s.freeram <= s.totalram && s.totalram > 0);
    Y("free swap <= total swap", s.freeswap <= s.totalswap);
    printf("mem_unit %u\n", s.mem_unit);
    Y("procs positive", s.procs > 0);
    T(syscall(SYS_sysinfo, NULL));
    T(syscall(SYS_sysinfo, WILD));
}
static void getrandom_cases(void) {
    unsigned char a[64] = {0}, b[64] = {0};
    T(getrandom(a, sizeof a, 0));
    T(getrandom(b, sizeof b, GRND_NONBLOCK));
    Y("two draws differ", memcmp(a, b, sizeof a) != 0);
    T(getrandom(a, sizeof a, GRND_RANDOM));
    T(getrandom(a, sizeof a, GRND_INSECURE));
    T(getrandom(a, 0, 0));
    static unsigned char big[1 << 20];
    long n = getrandom(big, sizeof big, 0);
    Y("a 1 MiB draw returns at least 256 bytes", n >= 256);
}
static void getrandom_errors(void) {
    unsigned char a[16];
    T(getrandom(a, sizeof a, 0x80));
    T(getrandom(a, sizeof a, GRND_RANDOM | GRND_INSECURE));
    T(syscall(SYS_getrandom, NULL, 16L, 0));
    T(syscall(SYS_getrandom, WILD, 16L, 0));
    T(syscall(SYS_getrandom, NULL, 0L, 0));
}
static void getcpu_cases(void) {
    unsigned cpu = 999, node = 999;
    T(syscall(SYS_getcpu, &cpu, &node, NULL));
    Y("cpu below the number of CPUs", cpu < (unsigned)get_nprocs_conf());
    printf("node %u\n", node);
    T(syscall(SYS_getcpu, NULL, NULL, NULL));
    T(syscall(SYS_getcpu, WILD, NULL, NULL));
    T(syscall(SYS_getcpu, NULL, WILD, NULL));
}
static void affinity_cases(void) {
    cpu_set_t s;
    CPU_ZERO(&s);
    long n = syscall(SYS_sched_getaffinity, 0, sizeof s, &s);
    Y("returns a whole number of longs", n > 0 && n % 8 == 0);
    Y("at least one CPU allowed", CPU_COUNT(&s) >= 1);
    T(syscall(SYS_sched_getaffinity, 0, 4L, &s));
    T(syscall(SYS_sched_getaffinity, 0, 9L, &s));
    T(syscall(SYS_sched_getaffinity, 0, 0L, &s));
    T(syscall(SYS_sched_getaffinity, 0, sizeof s, NULL));
    T(syscall(SYS_sched_getaffinity, 999999, sizeof s, &s));
    T(syscall(SYS_sched_getaffinity, -1, sizeof s, &s));
}
/* sched_setaffinity: read back by the task and by its children; masks with no CPU of the system
 * are EINVAL. */
static void setaffinity_cases(void) {
    cpu_set_t all, one, got;
    sched_getaffinity(0, sizeof all, &all);
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    T(sched_setaffinity(0, sizeof one, &one));
    CPU_ZERO(&got);
    T(syscall(SYS_sched_getaffinity, 0, sizeof got, &got) > 0);
    T(CPU_COUNT(&got));
    T(CPU_ISSET(0, &got));
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        CPU_ZERO(&got);
        sched_getaffinity(0, sizeof got, &got);
        _exit(CPU_COUNT(&got));
    }
    int st;
    waitpid(p, &st, 0);
    T(WEXITSTATUS(st));
    CPU_ZERO(&got);
    T(syscall(SYS_sched_getaffinity, getpid(), sizeof got, &got) > 0);
    T(CPU_COUNT(&got));
    cpu_set_t none;
    CPU_ZERO(&none);
    T(sched_setaffinity(0, sizeof none, &none));
    CPU_SET(1000, &none);
    T(sched_setaffinity(0, sizeof none, &none));
    T(syscall(SYS_sched_setaffinity, 0, 0L, &one));
    T(syscall(SYS_sched_setaffinity, 0, 8L, NULL));
    T(syscall(SYS_sched_setaffinity, 999999, sizeof one, &one));
    T(sched_setaffinity(0, sizeof all, &all));
    CPU_ZERO(&got);
    sched_getaffinity(0, sizeof got, &got);
    Y("all CPUs back", CPU_EQUAL(&got, &all));
}
static void sched_yield_and_params(void) {
    T(sched_yield());
    struct sched_param p = {42};
    T(sched_getparam(0, &p));
    T(p.sched_priority);
    T(sched_getscheduler(0));
    T(syscall(SYS_sched_getparam, -1, &p));
    T(syscall(SYS_sched_getparam, 999999, &p));
    T(syscall(SYS_sched_getparam, 0, WILD));
    T(sched_get_priority_max(SCHED_FIFO));
    T(sched_get_priority_min(SCHED_FIFO));
    T(sched_get_priority_max(SCHED_BATCH));
    T(sched_get_priority_min(SCHED_DEADLINE));
    T(sched_get_priority_min(-1));
}
static void priority_cases(void) {
    T(getpriority(PRIO_PROCESS, 0));
    T(setpriority(PRIO_PROCESS, 0, 7));
    T(getpriority(PRIO_PROCESS, 0));
    T(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    T(setpriority(PRIO_PROCESS, 0, 19 + 30));
    T(getpriority(PRIO_PROCESS, 0));
    T(getpriority(PRIO_PGRP, 999999));
    T(getpriority(PRIO_USER, 0) <= 20);
    T(setpriority(3, 0, 0));
    T(setpriority(PRIO_PROCESS, 999999, 0));
    T(syscall(SYS_setuid, 1000));
    T(setpriority(PRIO_PROCESS, 0, 5));
    T(getpriority(PRIO_PROCESS, 0));
}
static void personality_cases(void) {
    T(personality(0xffffffff));
    T(personality(PER_LINUX | ADDR_NO_RANDOMIZE));
    T(personality(0xffffffff));
    T(personality(PER_LINUX32));
    T(personality(0xffffffff));
    T(personality(PER_LINUX));
    T(personality(0xffffffff));
}

MAIN(K(sysinfo_fields), K(getrandom_cases), K(getrandom_errors), K(getcpu_cases), K(affinity_cases), K(setaffinity_cases),
     K(sched_yield_and_params), K(priority_cases), K(personality_cases))
