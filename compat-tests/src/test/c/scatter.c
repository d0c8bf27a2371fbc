/* scatter MIB [SHIFT]: fills MIB MiB with random bytes, then on each SIGUSR1 gives 1% of its
 * page-sized blocks, picked at random over the whole buffer, new random bytes. After the fill and
 * after each round it prints "round N SUM", SUM a checksum of the whole buffer. The buffer starts
 * SHIFT bytes (default 0, a multiple of 8) past a page boundary: with 16, as malloc's pointers
 * are, each block written straddles two pages. For the store's dedup target with changes
 * scattered page by page (ScatteredChangesTest). */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t x = 0x9E3779B97F4A7C15ull;

static uint64_t next(void) {
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    return x * 0x2545F4914F6CDD1Dull;
}

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 64) << 20, pages = n / 4096;
    size_t shift = argc > 2 ? (size_t)atoi(argv[2]) & ~(size_t)7 & 4095 : 0;
    /* Blocked from the start: a SIGUSR1 sent early waits for sigsuspend instead of killing. */
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    signal(SIGUSR1, on_usr1);
    char *raw = malloc(n + 8192);
    if (!raw) return 1;
    uint64_t *p = (uint64_t *)((((uintptr_t)raw + 4095) & ~(uintptr_t)4095) + shift);
    for (size_t i = 0; i < n / 8; i++) p[i] = next();
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int round = 0;; round++) {
        if (round > 0) {
            sigsuspend(&old);
            for (size_t k = 0; k < pages / 100; k++) {
                uint64_t *page = p + (next() % pages) * 512;
                for (int w = 0; w < 512; w++) page[w] = next();
            }
        }
        uint64_t sum = 0;
        for (size_t i = 0; i < n / 8; i++) sum = sum * 31 + p[i];
        printf("round %d %016llx\n", round, (unsigned long long)sum);
    }
}
