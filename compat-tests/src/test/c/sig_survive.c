/* Signal state a checkpoint must keep, checkpointed while the program waits: handlers and
 * their flags, a blocked standard signal and three queued real-time ones with their values,
 * an alternate stack, a periodic ITIMER_REAL ticking through the wait, and a POSIX timer
 * armed before the save that fires after the restore. What it prints must match a run that
 * was never interrupted. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int ticks, timer_value, rt_values[8], nrt, usr2;
static char alt[1 << 16];

static void on_tick(int sig) {
    (void)sig;
    ticks++;
}

static void on_rt(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    if (sig == SIGRTMIN) timer_value = si->si_value.sival_int;
    else rt_values[nrt++] = si->si_value.sival_int;
}

static void on_usr2(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    char here;
    usr2 = (si->si_code == SI_USER ? 1 : 0) + (&here >= alt && &here < alt + sizeof alt ? 10 : 0);
}

int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 100;
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    sigaltstack(&ss, NULL);

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    for (int v = 1; v <= 3; v++) sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = v * 11});

    struct itimerval per = {{0, 50000}, {0, 50000}};
    setitimer(ITIMER_REAL, &per, NULL);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN;
    ev.sigev_value.sival_int = 4321;
    timer_t t;
    timer_create(CLOCK_MONOTONIC, &ev, &t);
    struct itimerspec its = {{0, 0}, {0, steps * 8 * 1000 * 1000L}};
    timer_settime(t, 0, &its, NULL);
    printf("set up\n");

    /* Wait in steps: each nanosleep may end early with EINTR (the ticks), so it goes on with what is left. */
    for (int i = 0; i < steps; i++) {
        struct timespec step = {0, 10 * 1000 * 1000};
        while (nanosleep(&step, &step) == -1 && errno == EINTR) { }
    }
    struct itimerval off = {{0, 0}, {0, 0}}, cur;
    getitimer(ITIMER_REAL, &cur);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("itimer interval %ld us, ticks >= %d: %d\n", (long)cur.it_interval.tv_usec, steps / 10, ticks >= steps / 10);
    printf("POSIX timer fired with value %d\n", timer_value);
    sigset_t pend;
    sigpending(&pend);
    printf("pending USR2 %d RTMIN+1 %d\n", sigismember(&pend, SIGUSR2), sigismember(&pend, SIGRTMIN + 1));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("USR2 handler: 10 if on the alternate stack, +1 if SI_USER: %d\n", usr2);
    printf("RT values:");
    for (int i = 0; i < nrt; i++) printf(" %d", rt_values[i]);
    printf("\n");
    stack_t now;
    sigaltstack(NULL, &now);
    printf("alt stack kept: %d\n", now.ss_sp == alt && now.ss_size == sizeof alt);
    return 0;
}
