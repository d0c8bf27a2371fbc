/* Job control: stopped and continued children reported to wait4/waitid (WUNTRACED, WCONTINUED,
 * WNOWAIT) and by SIGCHLD with CLD_STOPPED/CLD_CONTINUED, SA_NOCLDSTOP. Only SIGSTOP stops here:
 * Linux discards SIGTSTP, SIGTTIN and SIGTTOU sent to a process group that is orphaned, which
 * the test's is or is not depending on how it was started. */
#include "case.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static pid_t spinner(void) {
    pid_t p = fork();
    if (p == 0) {
        for (;;) pause();
    }
    return p;
}
static void describe_(const char *what, pid_t r, int st) {
    printf("%s: %s", what, r > 0 ? "pid" : r == 0 ? "0" : "-1");
    if (r > 0) {
        if (WIFSTOPPED(st)) printf(" stopped by %d", WSTOPSIG(st));
        else if (WIFCONTINUED(st)) printf(" continued");
        else if (WIFSIGNALED(st)) printf(" killed by %d", WTERMSIG(st));
        else if (WIFEXITED(st)) printf(" exited %d", WEXITSTATUS(st));
    }
    printf("\n");
}

/* the wait first, then its status (arguments have no order of evaluation) */
#define describe(what, call, st) do { pid_t r_ = (call); describe_(what, r_, st); } while (0)

static void wait_for_stop_and_continue(void) {
    pid_t c = spinner();
    int st = 0;
    describe("running, WNOHANG|WUNTRACED", waitpid(c, &st, WNOHANG | WUNTRACED), st);
    kill(c, SIGSTOP);
    describe("after SIGSTOP", waitpid(c, &st, WUNTRACED), st);
    describe("reported once", waitpid(c, &st, WNOHANG | WUNTRACED), st);
    kill(c, SIGCONT);
    describe("after SIGCONT", waitpid(c, &st, WCONTINUED), st);
    describe("reported once", waitpid(c, &st, WNOHANG | WCONTINUED), st);
    kill(c, SIGSTOP);
    describe("stopped again", waitpid(c, &st, WUNTRACED), st);
    kill(c, SIGKILL);
    describe("SIGKILL while stopped", waitpid(c, &st, 0), st);
}

static void waitid_stopped_and_wnowait(void) {
    pid_t c = spinner();
    kill(c, SIGSTOP);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    T(waitid(P_PID, c, &si, WSTOPPED | WNOWAIT));
    printf("code %d status %d pid ok %d\n", si.si_code, si.si_status, si.si_pid == c);
    memset(&si, 0, sizeof si);
    T(waitid(P_PID, c, &si, WSTOPPED));
    printf("code %d status %d\n", si.si_code, si.si_status);
    memset(&si, 0, sizeof si);
    T(waitid(P_PID, c, &si, WSTOPPED | WNOHANG));
    printf("code %d pid %d\n", si.si_code, si.si_pid);
    kill(c, SIGCONT);
    memset(&si, 0, sizeof si);
    T(waitid(P_PID, c, &si, WCONTINUED));
    printf("code %d status %d\n", si.si_code, si.si_status);
    kill(c, SIGKILL);
    T(waitid(P_PID, c, &si, WEXITED));
    printf("code %d status %d\n", si.si_code, si.si_status);
}

static volatile sig_atomic_t codes[8], ncodes;
static void on_chld(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    if (ncodes < 8) codes[ncodes++] = si->si_code * 100 + si->si_status;
}
static void wait_signal(int n) {
    while (ncodes < n) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}
static void sigchld_for_stop_and_continue(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    pid_t c = spinner();
    int st;
    kill(c, SIGSTOP);
    wait_signal(1);
    kill(c, SIGCONT);
    wait_signal(2);
    kill(c, SIGKILL);
    wait_signal(3);
    waitpid(c, &st, 0);
    for (int i = 0; i < ncodes; i++) printf("SIGCHLD code*100+status %d\n", codes[i]);
}

static void sa_nocldstop(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    ncodes = 0;
    pid_t c = spinner();
    int st;
    kill(c, SIGSTOP);
    describe("stopped", waitpid(c, &st, WUNTRACED), st);
    kill(c, SIGCONT);
    describe("continued", waitpid(c, &st, WCONTINUED), st);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    wait_signal(1);
    for (int i = 0; i < ncodes; i++) printf("SIGCHLD code*100+status %d\n", codes[i]);
}

MAIN(K(wait_for_stop_and_continue), K(waitid_stopped_and_wnowait), K(sigchld_for_stop_and_continue), K(sa_nocldstop))
