/* Signal handlers, siginfo, masks and pending signals, SA_RESETHAND/SA_NODEFER, nested
 * handlers, sigsuspend, sigtimedwait, sigqueue, and the errno rules of kill/tkill/tgkill/
 * rt_sigqueueinfo/sigaction/sigprocmask. Prints only what is the same on every run. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int depth, maxdepth, nest_calls, order[64], norder;
static volatile int got_signo, got_code, got_pid_ok, got_uid, got_value;

static void on_info(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    got_signo = si->si_signo;
    got_code = si->si_code;
    got_pid_ok = si->si_pid == getpid();
    got_uid = si->si_uid == getuid();
    got_value = si->si_value.sival_int;
    order[norder++] = sig;
}

static void on_nest(int sig) {
    depth++;
    if (depth > maxdepth) maxdepth = depth;
    order[norder++] = sig;
    if (++nest_calls < 3) raise(sig);
    depth--;
}

static void on_plain(int sig) {
    order[norder++] = sig;
}

static void on_outer(int sig) {
    order[norder++] = sig;
    raise(SIGUSR2); /* blocked by sa_mask: runs after this handler returns */
    order[norder++] = 100;
}

static void show_order(const char *what) {
    printf("%s:", what);
    for (int i = 0; i < norder; i++) printf(" %d", order[i]);
    printf("\n");
    norder = 0;
}

static void set(int sig, void (*h)(int), int flags, int masksig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (masksig) sigaddset(&sa.sa_mask, masksig);
    if (sigaction(sig, &sa, NULL) != 0) perror("sigaction");
}

#define ERR(expr) do { errno = 0; long r_ = (long)(expr); printf("%-44s = %ld %s\n", #expr, r_, r_ < 0 ? strerrorname_np(errno) : ""); } while (0)

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    kill(getpid(), SIGUSR1);
    printf("kill: signo %d code %d pid_ok %d uid_ok %d\n", got_signo, got_code, got_pid_ok, got_uid);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    printf("tgkill: signo %d code %d pid_ok %d\n", got_signo, got_code, got_pid_ok);
    union sigval v = {.sival_int = 4242};
    sigqueue(getpid(), SIGUSR1, v);
    printf("sigqueue: signo %d code %d value %d\n", got_signo, got_code, got_value);
    show_order("order");

    /* Blocked: pending until unblocked; a standard signal is pending once, an RT one queues. */
    sigset_t s, old, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &s, &old);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    raise(SIGUSR1);
    raise(SIGUSR1);
    for (int i = 0; i < 3; i++) sigqueue(getpid(), SIGRTMIN + 1, v);
    sigpending(&pend);
    printf("pending USR1 %d RTMIN+1 %d USR2 %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGRTMIN + 1),
           sigismember(&pend, SIGUSR2));
    printf("before unblock: %d handled\n", norder);
    sigprocmask(SIG_SETMASK, &old, NULL);
    show_order("after unblock (USR1 once, RT thrice, in order)");

    /* Ignoring a pending signal discards it. */
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&pend);
    printf("pending after SIG_IGN: %d\n", sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SA_NODEFER: the handler interrupts itself; without it the raise waits. */
    set(SIGUSR2, on_nest, SA_NODEFER, 0);
    raise(SIGUSR2);
    printf("nodefer maxdepth %d\n", maxdepth);
    show_order("nodefer");
    maxdepth = 0;
    nest_calls = 0;
    set(SIGUSR2, on_nest, 0, 0);
    raise(SIGUSR2);
    printf("deferred maxdepth %d\n", maxdepth);
    show_order("deferred");

    /* sa_mask blocks USR2 while the USR1 handler runs. */
    set(SIGUSR2, on_plain, 0, 0);
    set(SIGUSR1, on_outer, 0, SIGUSR2);
    raise(SIGUSR1);
    show_order("sa_mask (10, 100, then 12)");

    /* SA_RESETHAND: one shot; the disposition is SIG_DFL afterwards. */
    set(SIGWINCH, on_plain, SA_RESETHAND, 0);
    raise(SIGWINCH);
    sigaction(SIGWINCH, NULL, &sa);
    printf("resethand: ran %d, now %s\n", norder, sa.sa_handler == SIG_DFL ? "SIG_DFL" : "handler");
    raise(SIGWINCH); /* default: ignored */
    show_order("resethand");

    /* The mask seen inside a handler, and restored after it. */
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("mask restored: USR1 %d USR2 %d\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));

    /* sigsuspend: waits with a mask that lets the pending USR1 in, then the old mask is back. */
    set(SIGUSR1, on_plain, 0, 0);
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR1);
    sigset_t wait;
    sigemptyset(&wait);
    int r = sigsuspend(&wait);
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("sigsuspend = %d %s, USR1 blocked again %d\n", r, strerrorname_np(errno), sigismember(&cur, SIGUSR1));
    show_order("sigsuspend");

    /* sigtimedwait: takes a blocked pending signal without running the handler. */
    raise(SIGUSR1);
    siginfo_t si;
    struct timespec ts = {0, 20 * 1000 * 1000};
    r = sigtimedwait(&s, &si, &ts);
    printf("sigtimedwait = %d code %d, handled %d\n", r, si.si_code, norder);
    errno = 0;
    r = sigtimedwait(&s, &si, &ts);
    printf("sigtimedwait (nothing) = %d %s\n", r, strerrorname_np(errno));
    struct timespec zero = {0, 0};
    r = sigtimedwait(&s, &si, &zero);
    printf("sigtimedwait (poll) = %d %s\n", r, strerrorname_np(errno));
    struct timespec bad = {0, 1000000000};
    r = sigtimedwait(&s, &si, &bad);
    printf("sigtimedwait (bad timeout) = %d %s\n", r, strerrorname_np(errno));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* Error rules. */
    ERR(kill(0x7fffffff, SIGUSR1));
    ERR(kill(getpid(), 65));
    ERR(kill(getpid(), -1));
    ERR(kill(getpid(), 0));
    ERR(kill(-0x7fffffff, 0));
    ERR(kill(0, 0));
    ERR(syscall(SYS_tkill, 0, SIGUSR1));
    ERR(syscall(SYS_tkill, -5, SIGUSR1));
    ERR(syscall(SYS_tkill, 0x7fffffff, SIGUSR1));
    ERR(syscall(SYS_tkill, gettid(), 99));
    ERR(syscall(SYS_tgkill, 0, gettid(), SIGUSR1));
    ERR(syscall(SYS_tgkill, getpid(), 0, SIGUSR1));
    ERR(syscall(SYS_tgkill, 0x7ffffff0, gettid(), 0));
    ERR(syscall(SYS_tgkill, getpid(), gettid(), 0));
    memset(&si, 0, sizeof si);
    si.si_code = SI_QUEUE;
    ERR(syscall(SYS_rt_sigqueueinfo, getpid(), 0, &si));
    ERR(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, (void *)8));
    ERR(syscall(SYS_rt_sigqueueinfo, 0x7fffffff, SIGUSR1, &si));
    ERR(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR1, &si));
    ERR(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), 0, &si));
    ERR(syscall(SYS_rt_sigaction, SIGKILL, &sa, NULL, 8));
    ERR(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8));
    ERR(syscall(SYS_rt_sigprocmask, 7, &s, NULL, 8));
    ERR(syscall(SYS_rt_sigsuspend, &s, 4));
    ERR(syscall(SYS_rt_sigtimedwait, &s, NULL, &zero, 4));
    ERR(syscall(SYS_rt_sigpending, &pend, 9));
    printf("done\n");
    return 0;
}
