/* Faults reach the program's handlers with Linux's siginfo: SIGSEGV (unmapped: SEGV_MAPERR,
 * read-only: SEGV_ACCERR, with si_addr), SIGFPE from an integer division by zero
 * (FPE_INTDIV), SIGTRAP from int3 (SI_KERNEL), SIGILL from ud2 (ILL_ILLOPN); handlers leave
 * with siglongjmp. A stack overflow is caught on the alternate stack (SA_ONSTACK), and
 * sigaltstack reports and refuses as Linux does while on it. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static sigjmp_buf env;
static volatile int got_sig, got_code, addr_ok, on_alt, alt_flags, alt_eperm;
static volatile void *expect_addr;
static char *alt;
static size_t alt_size = 1 << 16;

static void handler(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    addr_ok = si->si_addr == expect_addr;
    char here;
    on_alt = &here >= alt && &here < alt + alt_size;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
    stack_t n = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
    alt_eperm = sigaltstack(&n, NULL) == -1 && errno == EPERM;
    siglongjmp(env, 1);
}

static void report(const char *what) {
    printf("%-10s sig %d code %d addr_ok %d\n", what, got_sig, got_code, addr_ok);
    got_sig = got_code = addr_ok = 0;
}

static volatile int zero = 0;
static int depth_of(int n) {
    volatile char pad[1024];
    pad[0] = (char)n;
    return n == 0 ? pad[0] : depth_of(n + 1) + pad[0];
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    for (int s = 1; s < 32; s++) if (s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);

    expect_addr = (void *)0x10;
    if (!sigsetjmp(env, 1)) *(volatile int *)0x10 = 1;
    report("unmapped");

    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect_addr = ro + 8;
    if (!sigsetjmp(env, 1)) *(volatile char *)(ro + 8) = 1;
    report("read-only");

    char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect_addr = none;
    if (!sigsetjmp(env, 1)) (void)*(volatile char *)none;
    report("prot-none");

    expect_addr = NULL;
    if (!sigsetjmp(env, 1)) {
        volatile int x = 7 / zero;
        (void)x;
    }
    printf("%-10s sig %d code %d\n", "div-zero", got_sig, got_code);

    if (!sigsetjmp(env, 1)) __asm__ volatile("int3");
    printf("%-10s sig %d code %d\n", "int3", got_sig, got_code);

    if (!sigsetjmp(env, 1)) __asm__ volatile("ud2");
    printf("%-10s sig %d code %d\n", "ud2", got_sig, got_code);

    /* The handler still works after so many siglongjmps, and the mask was restored each time. */
    sigset_t m;
    sigprocmask(SIG_SETMASK, NULL, &m);
    printf("SEGV blocked after longjmps: %d\n", sigismember(&m, SIGSEGV));

    /* Stack overflow: only an alternate stack can run the handler. */
    alt = malloc(alt_size);
    stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    expect_addr = NULL;
    if (!sigsetjmp(env, 1)) depth_of(1);
    printf("overflow: sig %d code %d on_alt %d ss_flags %d eperm %d\n", got_sig, got_code, on_alt, alt_flags,
           alt_eperm);

    /* Off the alternate stack again: it can be changed, and SS_AUTODISARM is reported. */
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("after: ss_flags %d size_ok %d\n", cur.ss_flags, cur.ss_size == alt_size);
    ss.ss_flags = SS_AUTODISARM;
    printf("autodisarm: %d\n", sigaltstack(&ss, NULL));
    if (!sigsetjmp(env, 1)) raise(SIGSEGV);
    printf("raised on alt %d, ss_flags in handler %d\n", on_alt, alt_flags);
    ss.ss_size = 100;
    errno = 0;
    int r = sigaltstack(&ss, NULL);
    printf("too small: %d %s\n", r, strerrorname_np(errno));
    ss.ss_flags = 7;
    ss.ss_size = alt_size;
    errno = 0;
    r = sigaltstack(&ss, NULL);
    printf("bad flags: %d %s\n", r, strerrorname_np(errno));
    return 0;
}
