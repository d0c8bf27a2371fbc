/* Default actions, one per run (argv[1]): terminate, core (status | 0x80 shows as 128+sig to
 * the shell), forced faults that kill even when blocked or ignored, a handler without
 * SA_RESTORER (x86-64 cannot return from it: SIGSEGV), and a stop that a timer's SIGCONT ends. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void on_cont(int sig) {
    printf("handler for %d after the stop\n", sig);
}

static void nothing(int sig) {
    (void)sig;
}

struct ksigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *m = argc > 1 ? argv[1] : "";
    printf("mode %s\n", m);
    if (!strcmp(m, "abort")) abort();
    if (!strcmp(m, "term")) raise(SIGTERM);
    if (!strcmp(m, "usr1")) kill(getpid(), SIGUSR1);
    if (!strcmp(m, "rt")) raise(SIGRTMIN + 3);
    if (!strcmp(m, "kill")) raise(SIGKILL);
    if (!strcmp(m, "quit")) raise(SIGQUIT);
    if (!strcmp(m, "blocked-segv")) {
        signal(SIGSEGV, nothing);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *(volatile int *)8 = 1;
    }
    if (!strcmp(m, "ignored-fpe")) {
        signal(SIGFPE, SIG_IGN);
        __asm__ volatile("xor %%ecx, %%ecx\n mov $1, %%eax\n cltd\n idiv %%ecx" ::: "eax", "ecx", "edx");
    }
    if (!strcmp(m, "ignored-raise")) {
        /* A raised (not forced) signal that is ignored does nothing. */
        signal(SIGSEGV, SIG_IGN);
        raise(SIGSEGV);
        signal(SIGCHLD, SIG_DFL);
        raise(SIGCHLD);
        raise(SIGWINCH);
        raise(SIGURG);
        raise(SIGCONT);
        printf("still alive\n");
    }
    if (!strcmp(m, "no-restorer")) {
        struct ksigaction ka = {nothing, 0, NULL, 0};
        printf("rt_sigaction without SA_RESTORER: %ld\n", syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8));
        raise(SIGUSR2);
    }
    if (!strncmp(m, "stop-cont", 9)) {
        /* A timer sends SIGCONT while the process is stopped: it goes on, and SIGCONT's handler runs. */
        signal(SIGCONT, on_cont);
        timer_t t;
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = SIGCONT;
        timer_create(CLOCK_MONOTONIC, &ev, &t);
        /* stop-cont-slow: long enough for a checkpoint to find the process stopped. */
        struct itimerspec its = {{0, 0}, {0, (strcmp(m, "stop-cont-slow") ? 50 : 800) * 1000 * 1000L}};
        timer_settime(t, 0, &its, NULL);
        printf("stopping\n");
        raise(SIGSTOP);
        printf("continued\n");
        /* SIGTSTP with SIG_IGN does not stop. */
        signal(SIGTSTP, SIG_IGN);
        raise(SIGTSTP);
        printf("ignored SIGTSTP\n");
    }
    printf("end of %s\n", m);
    return 3;
}
