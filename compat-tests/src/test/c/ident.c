/* Identity and process settings: uids, gids, groups, process ids (only their relations: the
 * numbers differ between a host and a sandbox), prctl, arch_prctl, set_tid_address, the robust
 * list, rseq, sethostname/setdomainname (only calls that fail: a successful one would rename
 * the host), and the signal state that is recorded today (rt_sigaction, rt_sigprocmask,
 * rt_sigpending, sigaltstack). Dropping privileges here is local to the process. */
#include "case.h"
#include <asm/prctl.h>
#include <grp.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/utsname.h>

static void ids(void) {
    uid_t r, e, s;
    gid_t gr, ge, gs;
    T(getuid());
    T(geteuid());
    T(getgid());
    T(getegid());
    T(getresuid(&r, &e, &s));
    printf("resuid %u %u %u\n", r, e, s);
    T(getresgid(&gr, &ge, &gs));
    printf("resgid %u %u %u\n", gr, ge, gs);
    T(syscall(SYS_getresuid, NULL, &e, &s));
    T(syscall(SYS_getresgid, &gr, WILD, &gs));
}
static void setuid_drop(void) {
    T(setresuid(-1, 1000, -1));
    T(geteuid());
    T(setresuid(-1, 0, -1));
    T(geteuid());
    T(setuid(1000));
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    printf("resuid %u %u %u\n", r, e, s);
    T(setuid(0));
    T(setuid(1000));
    T(setresuid(2000, -1, -1));
    T(setreuid(-1, 1000));
    T(setfsuid(5));
    T(setfsuid(-1));
}
static void setreuid_cases(void) {
    T(setreuid(100, 200));
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    printf("resuid %u %u %u\n", r, e, s);
    T(setreuid(-1, 100));
    T(setreuid(300, -1));
    T(setresuid(-1, -1, -1));
    T(setfsuid(-1));
}
static void setgid_cases(void) {
    T(setgid(50));
    gid_t r, e, s;
    getresgid(&r, &e, &s);
    printf("resgid %u %u %u\n", r, e, s);
    T(setregid(60, 70));
    getresgid(&r, &e, &s);
    printf("resgid %u %u %u\n", r, e, s);
    T(setresgid(-1, 80, -1));
    getresgid(&r, &e, &s);
    printf("resgid %u %u %u\n", r, e, s);
    T(setfsgid(9));
    T(setfsgid(-1));
    T(setuid(1000));
    T(setgid(0));
    T(setgid(80));
    T(setregid(0, -1));
    T(setresgid(1, 2, 3));
}
static void groups(void) {
    gid_t g[64];
    T(getgroups(0, NULL));
    gid_t set[3] = {10, 20, 30};
    T(setgroups(3, set));
    T(getgroups(0, NULL));
    T(getgroups(64, g));
    printf("groups %u %u %u\n", g[0], g[1], g[2]);
    T(getgroups(2, g));
    T(syscall(SYS_getgroups, -1, g));
    T(syscall(SYS_getgroups, 3, NULL));
    T(setgroups(0, NULL));
    T(getgroups(64, g));
    T(syscall(SYS_setgroups, 65537, g));
    T(syscall(SYS_setgroups, 2, NULL));
    T(syscall(SYS_setgroups, -1, g));
    T(setuid(1000));
    T(setgroups(1, set));
}
static void pids(void) {
    Y("gettid = getpid", syscall(SYS_gettid) == getpid());
    Y("getpgrp = getpgid(0)", getpgrp() == getpgid(0));
    Y("getpgid(getpid()) = getpgid(0)", getpgid(getpid()) == getpgid(0));
    Y("getsid(0) = getsid(getpid())", getsid(0) == getsid(getpid()));
    Y("getppid() is not getpid()", getppid() != getpid());
    T(getpgid(999999));
    T(getsid(999999));
    T(getpgid(-1));
    T(getsid(-5));
}
static void prctl_name(void) {
    char name[32] = {0};
    T(prctl(PR_GET_NAME, name));
    printf("name '%s'\n", name);
    T(prctl(PR_SET_NAME, "renamed-by-a-case-with-a-long-name"));
    T(prctl(PR_GET_NAME, name));
    printf("name '%s'\n", name);
    T(prctl(PR_SET_NAME, ""));
    T(prctl(PR_GET_NAME, name));
    printf("name '%s'\n", name);
    T(prctl(PR_SET_NAME, NULL));
    T(prctl(PR_GET_NAME, WILD));
}
static void prctl_flag_errors(void) {
    T(prctl(PR_SET_PDEATHSIG, 65));
    T(prctl(PR_SET_PDEATHSIG, -1));
    T(prctl(PR_GET_PDEATHSIG, NULL));
    T(prctl(PR_SET_DUMPABLE, 2));
    T(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
    T(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
    T(prctl(PR_SET_KEEPCAPS, 2));
    T(prctl(99999));
    T(prctl(PR_GET_DUMPABLE));
    T(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    T(prctl(PR_GET_KEEPCAPS));
}
static void prctl_flags_read_back(void) {
    int sig = -1;
    T(prctl(PR_SET_PDEATHSIG, SIGTERM));
    T(prctl(PR_GET_PDEATHSIG, &sig));
    printf("pdeathsig %d\n", sig);
    T(prctl(PR_SET_DUMPABLE, 0));
    T(prctl(PR_GET_DUMPABLE));
    T(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    T(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    T(prctl(PR_SET_KEEPCAPS, 1));
    T(prctl(PR_GET_KEEPCAPS));
}
static void arch_prctl_cases(void) {
    unsigned long fs = 0, gs = 1;
    T(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
    Y("fs is set (TLS)", fs != 0);
    T(syscall(SYS_arch_prctl, ARCH_SET_FS, fs));
    unsigned long again = 0;
    syscall(SYS_arch_prctl, ARCH_GET_FS, &again);
    Y("set back to the same", again == fs);
    T(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    printf("gs %lu\n", gs);
    T(syscall(SYS_arch_prctl, ARCH_GET_FS, NULL));
    T(syscall(SYS_arch_prctl, ARCH_GET_FS, WILD));
    T(syscall(SYS_arch_prctl, 0x9999, 0));
    T(syscall(SYS_arch_prctl, ARCH_SET_FS, 1UL << 60));
}
static void tid_address_and_robust_list(void) {
    static int word;
    Y("set_tid_address returns the tid", syscall(SYS_set_tid_address, &word) == getpid());
    struct robust_list_head *head = NULL;
    size_t len = 0;
    T(syscall(SYS_get_robust_list, 0, &head, &len));
    printf("len %zu, head set %s\n", len, head ? "yes" : "no");
    static struct robust_list_head mine;
    T(syscall(SYS_set_robust_list, &mine, sizeof mine));
    T(syscall(SYS_get_robust_list, 0, &head, &len));
    Y("reads back", head == &mine && len == sizeof mine);
    T(syscall(SYS_set_robust_list, &mine, sizeof mine + 1));
    T(syscall(SYS_get_robust_list, 999999, &head, &len));
    T(syscall(SYS_get_robust_list, 0, NULL, &len));
    T(syscall(SYS_get_robust_list, 0, &head, WILD));
}
static void rseq_cases(void) {
    static char area[64] __attribute__((aligned(32)));
    T(syscall(SYS_rseq, area, 32, 0, 0x53053053));
    T(syscall(SYS_rseq, area, 16, 0, 0x53053053));
    T(syscall(SYS_rseq, area + 1, 32, 0, 0x53053053));
    T(syscall(SYS_rseq, area, 32, 2, 0x53053053));
}
static void hostname_refusals(void) {
    T(syscall(SYS_sethostname, "x", 65L));
    T(syscall(SYS_sethostname, "x", -1L));
    T(syscall(SYS_sethostname, NULL, 5L));
    T(syscall(SYS_sethostname, WILD, 5L));
    T(syscall(SYS_setdomainname, "x", 65L));
    T(syscall(SYS_setdomainname, WILD, 3L));
    T(setuid(1000));
    T(sethostname("x", 1));
    T(setdomainname("x", 1));
}
static void uname_cases(void) {
    struct utsname u;
    T(uname(&u));
    printf("sysname %s machine %s\n", u.sysname, u.machine);
    Y("release and version set", u.release[0] && u.version[0]);
    T(syscall(SYS_uname, NULL));
    T(syscall(SYS_uname, WILD));
}
static void sigaction_state(void) {
    struct sigaction sa = {0}, old;
    sa.sa_handler = SIG_IGN;
    T(sigaction(SIGUSR1, &sa, NULL));
    T(sigaction(SIGUSR1, NULL, &old));
    Y("reads back SIG_IGN", old.sa_handler == SIG_IGN);
    T(sigaction(SIGKILL, &sa, NULL));
    T(sigaction(SIGSTOP, NULL, &old));
    T(syscall(SYS_rt_sigaction, 0, NULL, &old, 8));
    T(syscall(SYS_rt_sigaction, 65, NULL, &old, 8));
    T(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4));
    T(syscall(SYS_rt_sigaction, SIGUSR1, WILD, NULL, 8));
    T(syscall(SYS_rt_sigaction, SIGUSR1, NULL, WILD, 8));
}
static void sigprocmask_state(void) {
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGKILL);
    T(sigprocmask(SIG_BLOCK, &s, NULL));
    T(sigprocmask(SIG_BLOCK, NULL, &old));
    printf("blocked: USR1 %d KILL %d USR2 %d\n", sigismember(&old, SIGUSR1), sigismember(&old, SIGKILL),
           sigismember(&old, SIGUSR2));
    T(sigprocmask(SIG_UNBLOCK, &s, NULL));
    T(sigprocmask(SIG_SETMASK, NULL, &old));
    printf("blocked: USR1 %d\n", sigismember(&old, SIGUSR1));
    T(syscall(SYS_rt_sigprocmask, 7, &s, NULL, 8));
    T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4));
    T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, WILD, NULL, 8));
    T(syscall(SYS_rt_sigprocmask, 7, NULL, NULL, 8));
    sigset_t p;
    T(sigpending(&p));
    printf("pending USR1 %d\n", sigismember(&p, SIGUSR1));
    T(syscall(SYS_rt_sigpending, &p, 16));
    T(syscall(SYS_rt_sigpending, WILD, 8));
}
static void sigaltstack_state(void) {
    static char mem[65536];
    stack_t ss = {.ss_sp = mem, .ss_size = sizeof mem, .ss_flags = 0}, old;
    T(sigaltstack(NULL, &old));
    printf("flags %d\n", old.ss_flags);
    T(sigaltstack(&ss, NULL));
    T(sigaltstack(NULL, &old));
    Y("reads back", old.ss_sp == mem && old.ss_size == sizeof mem && old.ss_flags == 0);
    ss.ss_size = 100;
    T(sigaltstack(&ss, NULL));
    ss.ss_size = sizeof mem;
    ss.ss_flags = 77;
    T(sigaltstack(&ss, NULL));
    ss.ss_flags = SS_DISABLE;
    T(sigaltstack(&ss, NULL));
    T(sigaltstack(NULL, &old));
    printf("flags %d\n", old.ss_flags);
    T(sigaltstack(WILD, NULL));
}

static void exit_directly(void) {
    printf("leaving through exit(2), status 3\n");
    fflush(stdout);
    syscall(SYS_exit, 3);
    printf("not reached\n");
}
static void exit_group_status(void) {
    printf("leaving through exit_group(2), status 300 & 0xff\n");
    fflush(stdout);
    syscall(SYS_exit_group, 300);
}
static void getpgrp_raw(void) {
    Y("getpgrp = getpgid(0)", syscall(SYS_getpgrp) == syscall(SYS_getpgid, 0));
    /* 0 when the session leader is outside our pid namespace, as in some CI containers */
    Y("getsid(0) non-negative", syscall(SYS_getsid, 0) >= 0);
    Y("getppid non-negative", syscall(SYS_getppid) >= 0);
}
static void umask_and_identity_survive(void) {
    /* state a checkpoint must carry: umask, ids, groups, name */
    T(umask(027));
    gid_t g[2] = {7, 8};
    T(setgroups(2, g));
    T(prctl(PR_SET_NAME, "kept"));
    T(setresgid(11, 12, 13));
    T(setresuid(21, 22, 23));
    for (int i = 0; i < 20; i++) syscall(SYS_getpid);
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    printf("resuid %u %u %u\n", r, e, s);
    gid_t gr, ge, gs;
    getresgid(&gr, &ge, &gs);
    printf("resgid %u %u %u\n", gr, ge, gs);
    T(getgroups(2, g));
    printf("groups %u %u\n", g[0], g[1]);
    char name[16];
    prctl(PR_GET_NAME, name);
    printf("name %s\n", name);
    T(umask(0));
}
/* File permissions follow the caller's ids: after dropping root, /etc/shadow (0640 root:shadow
 * on Debian) cannot be read, /etc/passwd can; the shadow group (supplementary) opens it; root
 * executes nothing without an x bit. */
static void file_permissions_follow_ids(void) {
    fflush(stdout);
    if (fork() == 0) {
        int shadow = -1;
        struct stat st;
        if (stat("/etc/shadow", &st) == 0) shadow = (int)st.st_gid;
        printf("shadow 0640: %s\n", (st.st_mode & 0777) == 0640 ? "yes" : "no");
        T(setgroups(1, (gid_t[]){(gid_t)shadow}));
        T(setgid(65534));
        T(setuid(65534));
        T(open("/etc/passwd", O_RDONLY) >= 0);
        T(open("/etc/shadow", O_RDONLY) >= 0); /* through the supplementary group */
        T(setgroups(0, NULL)); /* EPERM now: not root */
        fflush(stdout);
        _exit(0);
    }
    wait(NULL);
    if (fork() == 0) {
        T(setuid(65534));
        T(open("/etc/shadow", O_RDONLY));
        T(access("/etc/shadow", R_OK));
        T(open("/etc/passwd", O_RDONLY) >= 0);
        T(open("/dev/null", O_WRONLY) >= 0);
        T(open("/", O_RDONLY | O_DIRECTORY) >= 0);
        T(open("/root/.bashrc", O_RDONLY)); /* in a 0700 directory: no search permission */
        struct stat sb;
        T(stat("/root/.bashrc", &sb));
        T(stat("/root/no-such-file", &sb)); /* EACCES before ENOENT */
        T(execve("/etc/passwd", (char *[]){"x", NULL}, NULL));
        fflush(stdout);
        _exit(0);
    }
    wait(NULL);
    T(execve("/etc/passwd", (char *[]){"x", NULL}, NULL)); /* root too: no x bit */
}

MAIN(K(ids), K(setuid_drop), K(setreuid_cases), K(setgid_cases), K(groups), K(pids), K(prctl_name), K(prctl_flag_errors), K(prctl_flags_read_back),
     K(arch_prctl_cases), K(tid_address_and_robust_list), K(rseq_cases), K(hostname_refusals), K(uname_cases),
     K(sigaction_state), K(sigprocmask_state), K(sigaltstack_state), K(exit_directly), K(exit_group_status), K(getpgrp_raw), K(umask_and_identity_survive),
     K(file_permissions_follow_ids))
