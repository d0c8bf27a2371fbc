/* sigreturn restores every register: a handler clobbers the general registers, xmm0-15,
 * the upper halves of ymm0-15 and MXCSR; the interrupted code finds its values intact, both
 * for a signal raised by a system call and for timer signals arriving in a busy loop. Also
 * checks what the handler sees: a clean MXCSR, and the interrupted state in its ucontext. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int ticks, handler_mxcsr_default, saw_rip;
static int have_avx;

__attribute__((noinline)) static void clobber(void) {
    __asm__ volatile(
        "mov $0x5a5a5a5a, %%eax\n movd %%eax, %%xmm0\n pshufd $0, %%xmm0, %%xmm0\n"
        "movdqa %%xmm0, %%xmm1\n movdqa %%xmm0, %%xmm2\n movdqa %%xmm0, %%xmm3\n movdqa %%xmm0, %%xmm4\n"
        "movdqa %%xmm0, %%xmm5\n movdqa %%xmm0, %%xmm6\n movdqa %%xmm0, %%xmm7\n movdqa %%xmm0, %%xmm8\n"
        "movdqa %%xmm0, %%xmm9\n movdqa %%xmm0, %%xmm10\n movdqa %%xmm0, %%xmm11\n movdqa %%xmm0, %%xmm12\n"
        "movdqa %%xmm0, %%xmm13\n movdqa %%xmm0, %%xmm14\n movdqa %%xmm0, %%xmm15\n"
        "mov $0x7f80, %%eax\n push %%rax\n ldmxcsr (%%rsp)\n pop %%rax\n"
        ::: "rax", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
    if (have_avx) {
        __asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n vmovdqa %%ymm0, %%ymm7\n vmovdqa %%ymm0, %%ymm15\n"
                         ::: "xmm0", "xmm7", "xmm15");
    }
}

static void handler(int sig, siginfo_t *si, void *ucv) {
    (void)sig; (void)si;
    ucontext_t *uc = ucv;
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    handler_mxcsr_default = (m & 0xffbf) == 0x1f80;
    saw_rip = uc->uc_mcontext.gregs[REG_RIP] != 0 && uc->uc_mcontext.fpregs != NULL;
    ticks++;
    clobber();
    /* and the general registers the interrupted code uses */
    __asm__ volatile("mov $-1, %%rbx\n mov $-1, %%r12\n mov $-1, %%r13\n mov $-1, %%r14\n mov $-1, %%r15\n"
                     ::: "rbx", "r12", "r13", "r14", "r15");
}

/* Loads known values into every vector register, makes the signal arrive (tgkill from asm, so
 * nothing saves the registers around it), and checks them afterwards. */
static int check_sync(void) {
    uint64_t out[32 * 2], ymmhi[4];
    uint64_t gp[5];
    unsigned mx;
    long pid = getpid(), tid = gettid();
    __asm__ volatile(
        "mov $1, %%eax\n movq %%rax, %%xmm0\n"
        "mov $2, %%eax\n movq %%rax, %%xmm1\n mov $3, %%eax\n movq %%rax, %%xmm2\n"
        "mov $4, %%eax\n movq %%rax, %%xmm3\n mov $5, %%eax\n movq %%rax, %%xmm4\n"
        "mov $6, %%eax\n movq %%rax, %%xmm5\n mov $7, %%eax\n movq %%rax, %%xmm6\n"
        "mov $8, %%eax\n movq %%rax, %%xmm7\n mov $9, %%eax\n movq %%rax, %%xmm8\n"
        "mov $10, %%eax\n movq %%rax, %%xmm9\n mov $11, %%eax\n movq %%rax, %%xmm10\n"
        "mov $12, %%eax\n movq %%rax, %%xmm11\n mov $13, %%eax\n movq %%rax, %%xmm12\n"
        "mov $14, %%eax\n movq %%rax, %%xmm13\n mov $15, %%eax\n movq %%rax, %%xmm14\n"
        "mov $16, %%eax\n movq %%rax, %%xmm15\n"
        "mov $0x1fc0, %%eax\n push %%rax\n ldmxcsr (%%rsp)\n pop %%rax\n" /* FTZ-free, DAZ set */
        "mov $101, %%rbx\n mov $112, %%r12\n mov $113, %%r13\n mov $114, %%r14\n mov $115, %%r15\n"
        "mov %[pid], %%rdi\n mov %[tid], %%rsi\n mov $10, %%rdx\n mov $234, %%eax\n syscall\n"
        "movdqu %%xmm0, 0(%[o])\n movdqu %%xmm1, 16(%[o])\n movdqu %%xmm2, 32(%[o])\n movdqu %%xmm3, 48(%[o])\n"
        "movdqu %%xmm4, 64(%[o])\n movdqu %%xmm5, 80(%[o])\n movdqu %%xmm6, 96(%[o])\n movdqu %%xmm7, 112(%[o])\n"
        "movdqu %%xmm8, 128(%[o])\n movdqu %%xmm9, 144(%[o])\n movdqu %%xmm10, 160(%[o])\n movdqu %%xmm11, 176(%[o])\n"
        "movdqu %%xmm12, 192(%[o])\n movdqu %%xmm13, 208(%[o])\n movdqu %%xmm14, 224(%[o])\n movdqu %%xmm15, 240(%[o])\n"
        "stmxcsr %[mx]\n"
        "mov %%rbx, 0(%[g])\n mov %%r12, 8(%[g])\n mov %%r13, 16(%[g])\n mov %%r14, 24(%[g])\n mov %%r15, 32(%[g])\n"
        : [mx] "=m"(mx)
        : [o] "r"(out), [g] "r"(gp), [pid] "m"(pid), [tid] "m"(tid)
        : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r11", "r12", "r13", "r14", "r15", "xmm0", "xmm1",
          "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
          "xmm13", "xmm14", "xmm15", "memory");
    int bad = 0;
    for (int i = 0; i < 16; i++) {
        if (out[2 * i] != (uint64_t)(i + 1) || out[2 * i + 1] != 0) bad++;
    }
    if (gp[0] != 101 || gp[1] != 112 || gp[2] != 113 || gp[3] != 114 || gp[4] != 115) bad += 100;
    if (mx != 0x1fc0) bad += 1000;
    (void)ymmhi;
    return bad;
}

/* The upper halves of the ymm registers survive too. */
static int check_ymm(void) {
    if (!have_avx) return 0;
    uint64_t hi[4];
    long pid = getpid(), tid = gettid();
    __asm__ volatile(
        "vpxor %%ymm3, %%ymm3, %%ymm3\n mov $77, %%eax\n vmovq %%rax, %%xmm1\n vpbroadcastq %%xmm1, %%ymm3\n"
        "mov %[pid], %%rdi\n mov %[tid], %%rsi\n mov $10, %%rdx\n mov $234, %%eax\n syscall\n"
        "vextracti128 $1, %%ymm3, %%xmm2\n vmovdqu %%xmm2, (%[h])\n vmovdqu %%xmm3, 16(%[h])\n"
        :
        : [h] "r"(hi), [pid] "m"(pid), [tid] "m"(tid)
        : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "xmm1", "xmm2", "xmm3", "memory");
    int bad = 0;
    for (int i = 0; i < 4; i++) if (hi[i] != 77) bad++;
    return bad;
}

/* Timer signals land anywhere in a loop that keeps values in registers and checks them. */
static long check_async(void) {
    struct itimerval it = {{0, 1000}, {0, 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    long bad = 0;
    for (long n = 0; ticks < 30 && n < 2000000000L; n++) {
        uint64_t r;
        __asm__ volatile(
            "mov $0x1234, %%eax\n movq %%rax, %%xmm9\n mov $0x77, %%r12d\n"
            "mov $200, %%ecx\n1: pause\n dec %%ecx\n jnz 1b\n"
            "movq %%xmm9, %%rax\n sub $0x1234, %%rax\n add %%r12, %%rax\n sub $0x77, %%rax\n mov %%rax, %0\n"
            : "=r"(r) : : "rax", "rcx", "r12", "xmm9");
        if (r != 0) bad++;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    return bad;
}

int main(void) {
    __builtin_cpu_init();
    have_avx = __builtin_cpu_supports("avx2");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    printf("sync: %d bad\n", check_sync());
    printf("handler saw default mxcsr %d, ucontext %d\n", handler_mxcsr_default, saw_rip);
    printf("ymm: %d bad\n", check_ymm());
    ticks = 0;
    long bad = check_async();
    printf("async: %ld bad, ticks %s\n", bad, ticks >= 30 ? "enough" : "too few");
    return 0;
}
