/* Thousands of pseudo-random system calls with garbage arguments, for the Sentry to survive.
 * Usage: stress SEED COUNT [with-refused]
 *
 * Numbers are drawn from calls that cannot hurt this process or block it (no exit, kill,
 * exec, fork/clone, rt_sigreturn, rt_sigaction, memory-map changes, rlimit changes, waits,
 * sleeps, flock, pipes, sockets or inotify fds that could be read while empty) plus numbers
 * Linux does not define. "with-refused" adds calls a sandbox must refuse (ptrace, mount,
 * init_module, bpf, ...) and is for sandboxed runs only. Arguments come from a pool of wild
 * values and pointers into a scratch mapping fenced by PROT_NONE guard pages. stdin, stdout
 * and stderr are pointed at /dev/null while the calls run (a read could block, a write of
 * garbage would reach the output); the summary goes to a duplicate of stdout kept at fd 900.
 * The last line is "stress: reached the end" and the exit status 23.
 *
 * NEVER RUN IT NATIVELY. An early version, run natively as root, opened /etc/os-release
 * read-write through a random open() and overwrote it with garbage, and created junk files in /.
 * Two guards now: it refuses to start unless CRYO_COMPAT_SANDBOXED=1 is set (the test sets it
 * only inside cryo), and every open/openat has its flags masked to a read-only open that
 * creates and truncates nothing, and ioctl commands come only from the small-number pool —
 * so that even a Sentry bug that let a call through to a host file could not damage it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const long harmless[] = {
    SYS_read, SYS_write, SYS_open, SYS_close, SYS_stat, SYS_fstat, SYS_lstat, SYS_lseek,
    SYS_ioctl, SYS_pread64, SYS_readv, SYS_access, SYS_sched_yield, SYS_mincore,
    SYS_dup, SYS_dup2, SYS_getpid, SYS_uname, SYS_fcntl, SYS_fsync, SYS_fdatasync,
    SYS_getdents, SYS_getcwd, SYS_chdir, SYS_fchdir, SYS_readlink, SYS_umask, SYS_gettimeofday,
    SYS_getrlimit, SYS_getrusage, SYS_sysinfo, SYS_times, SYS_getuid, SYS_getgid, SYS_geteuid,
    SYS_getegid, SYS_getppid, SYS_getpgrp, SYS_getgroups, SYS_getresuid, SYS_getresgid,
    SYS_getpgid, SYS_getsid, SYS_capget, SYS_rt_sigpending, SYS_rt_sigprocmask, SYS_sigaltstack,
    SYS_statfs, SYS_fstatfs, SYS_getpriority, SYS_sched_getparam, SYS_sched_getscheduler,
    SYS_sched_get_priority_max, SYS_sched_get_priority_min, SYS_sched_rr_get_interval,
    SYS_gettid, SYS_time, SYS_sched_getaffinity, SYS_getdents64, SYS_clock_gettime,
    SYS_clock_getres, SYS_newfstatat, SYS_faccessat, SYS_readlinkat, SYS_openat, SYS_dup3,
    SYS_preadv, SYS_getcpu, SYS_getrandom, SYS_statx, SYS_memfd_create, SYS_get_robust_list,
    SYS_set_robust_list, SYS_getxattr, SYS_lgetxattr, SYS_fgetxattr, SYS_listxattr,
    SYS_flistxattr, SYS_mlock, SYS_munlock, SYS_msync, SYS_brk, SYS_getitimer, SYS_sysfs,
    SYS_ustat, SYS_sched_getattr, SYS_faccessat2, SYS_set_tid_address, SYS_lookup_dcookie,
    SYS_ioprio_get, SYS_io_setup, SYS_io_destroy, SYS_fadvise64,
    SYS_readahead, SYS_name_to_handle_at, SYS_membarrier, SYS_pkey_alloc, SYS_pkey_free,
    SYS_close_range + 0 * 0, /* close_range: fds 900 and up are out of the pool's reach, see below */
};
/* Not defined on x86-64 (335 and 336 are: uretprobe and uprobe, which SIGILL outside a probe). */
static const long undefined[] = { 340, 380, 423, 512, 547, 600, 1000, 5000, 0x3fffffff, -1, -2 };
/* Refused calls whose worst case with random arguments would still be benign if one ever
 * reached the host (no mount/umount2/syslog/quotactl here: forbidden.c covers mount). */
static const long refused[] = {
    SYS_ptrace, SYS_init_module, SYS_bpf, SYS_perf_event_open, SYS_process_vm_readv, SYS_kcmp,
};

static uint64_t rng;
static uint64_t next(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: stress SEED COUNT [with-refused]\n"); return 2; }
    rng = strtoull(argv[1], NULL, 0) * 0x9E3779B97F4A7C15ull + 1;
    long count = atol(argv[2]);
    int with_refused = argc > 3 && strcmp(argv[3], "with-refused") == 0;
    const char *guard = getenv("CRYO_COMPAT_SANDBOXED");
    if (!guard || strcmp(guard, "1") != 0) {
        fprintf(stderr, "stress: refusing to run outside a sandbox (CRYO_COMPAT_SANDBOXED=1 is not set)\n");
        return 2;
    }

    int out = fcntl(1, F_DUPFD_CLOEXEC, 900);
    if (out < 0) { perror("dup stdout"); return 1; }
    int nul = open("/dev/null", O_RDWR);
    dup2(nul, 0);   /* a read of an empty pipe or terminal would block */
    dup2(nul, 1);
    dup2(nul, 2);
    int fd_file = open("/etc/os-release", O_RDONLY);
    int fd_dir = open(".", O_RDONLY | O_DIRECTORY);   /* the test's empty scratch directory */

    /* 1 MiB scratch between two PROT_NONE guard pages */
    size_t pg = 4096, span = 1 << 20;
    char *region = mmap(NULL, span + 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) { dprintf(out, "mmap failed\n"); return 1; }
    mprotect(region, pg, PROT_NONE);
    mprotect(region + pg + span, pg, PROT_NONE);
    char *scratch = region + pg;

    const long pool[] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 64, 255, 4096, 65536, -1, -2, -4096, 0x7fffffff,
        0x80000000L, 0xffffffffL, 0x7fffffffffffffffL, (long)0x8000000000000000UL,
        0xdeadbeef000L, 0x7fffffffe000L, 0xffff800000000000L,
        (long)scratch, (long)scratch + 1, (long)scratch + 4095, (long)scratch + span - 8,
        (long)"/etc/os-release", (long)"/", (long)"", (long)"relative/path", (long)"/proc/self/exe",
        fd_file, fd_dir, 1000, 12345,
    };

    long calls = 0, errors = 0, enosys = 0;
    for (long i = 0; i < count; i++) {
        /* fresh garbage in the scratch area every so often; zeroes elsewhere keep strings short */
        if (i % 64 == 0) {
            memset(scratch, 0, 4096);
            for (int k = 0; k < 64; k++) scratch[next() % 4096] = (char)next();
        }
        long nr;
        uint64_t r = next() % 100;
        if (r < 80) nr = harmless[next() % N(harmless)];
        else if (r < 92 || !with_refused) nr = undefined[next() % N(undefined)];
        else nr = refused[next() % N(refused)];
        long a[6];
        for (int k = 0; k < 6; k++) {
            a[k] = (next() % 8 == 0) ? (long)next() : pool[next() % N(pool)];
        }
        /* read-only opens only: no write access, no creation, no truncation */
        const long deny = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_TMPFILE | O_EXCL;
        if (nr == SYS_open) a[1] &= ~deny;
        if (nr == SYS_openat) a[2] &= ~deny;
        if (nr == SYS_ioctl) a[1] = pool[next() % 12];   /* small numbers only: no real ioctl command */
        if (nr == SYS_close_range) {   /* keep fd 900 (the summary's stdout) open */
            if ((unsigned long)a[1] >= 900) a[1] = 899;
        }
        if (nr == SYS_brk && (unsigned long)a[0] > 0x100000000000UL) a[0] = 0;  /* keep the heap sane */
        errno = 0;
        long ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        calls++;
        if (ret == -1) {
            errors++;
            if (errno == ENOSYS) enosys++;
        }
    }
    dprintf(out, "stress: seed %s, %ld calls, %ld failed, %ld ENOSYS\n", argv[1], calls, errors, enosys);
    dprintf(out, "stress: reached the end\n");
    return 23;
}
