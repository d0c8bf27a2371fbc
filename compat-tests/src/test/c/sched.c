/* Scheduling and process-wide settings: priorities, policies, personality, locking, sync.
 * Raw syscalls, each result or errno printed: natively and under cryo the lines must match. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r) {
    if (r == -1) printf("%-58s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%-58s = %ld\n", what, r);
}

#define T(call) (errno = 0, show(#call, (long)(call)))

int main(void) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    struct sched_param sp = {0};
    int fd = open("/etc/os-release", O_RDONLY);
    T(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    T(syscall(SYS_setpriority, PRIO_PROCESS, 0, 5));
    T(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    T(syscall(SYS_setpriority, PRIO_PROCESS, 0, -3));
    T(syscall(SYS_getpriority, PRIO_PROCESS, getpid()));
    T(syscall(SYS_setpriority, PRIO_PROCESS, 0, 100));
    T(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    T(syscall(SYS_getpriority, 7, 0));
    T(syscall(SYS_getpriority, PRIO_PROCESS, 999999));
    T(syscall(SYS_sched_getscheduler, 0));
    T(syscall(SYS_sched_getscheduler, -1));
    T(syscall(SYS_sched_getscheduler, 999999));
    T(syscall(SYS_sched_getparam, 0, &sp));
    T(sp.sched_priority);
    T(syscall(SYS_sched_getparam, 0, NULL));
    T(syscall(SYS_sched_get_priority_max, SCHED_FIFO));
    T(syscall(SYS_sched_get_priority_min, SCHED_RR));
    T(syscall(SYS_sched_get_priority_max, SCHED_OTHER));
    T(syscall(SYS_sched_get_priority_min, SCHED_IDLE));
    T(syscall(SYS_sched_get_priority_max, 42));
    T(syscall(SYS_personality, 0xffffffffUL));
    T(syscall(SYS_personality, 0x0040000UL /* ADDR_NO_RANDOMIZE */));
    T(syscall(SYS_personality, 0xffffffffUL));
    T(syscall(SYS_personality, 0UL));
    T(syscall(SYS_mlockall, 0));
    T(syscall(SYS_mlockall, 0x100));
    T(syscall(SYS_mlockall, MCL_CURRENT));
    T(syscall(SYS_munlockall));
    T(syscall(SYS_sync));
    T(syscall(SYS_syncfs, fd));
    T(syscall(SYS_syncfs, -1));
    printf("done\n");
    return 0;
}
