/* mutate [MIB [STEPS]]: fills MIB MiB (default 64) and then, step by step, changes it
 * deterministically the three ways memory changes under the Sentry — pages the program writes, a
 * page the kernel fills (pread from a file), a MAP_SHARED page a forked child writes — printing a
 * checksum of all of it each step, with 20 ms between steps. For the store's incremental
 * checkpoints (IncrementalCheckpointTest). */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 64) << 20;
    uint8_t *p = malloc(n);
    uint8_t *sh = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i += 8) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; memcpy(p + i, &x, 8); }
    memset(sh, 1, 1 << 20);
    int fd = open("/bin/busybox", O_RDONLY);
    setvbuf(stdout, NULL, _IOLBF, 0);
    int steps = argc > 2 ? atoi(argv[2]) : 400;
    for (int s = 0; s < steps; s++) {
        for (int k = 0; k < 8; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            size_t page = (x >> 3) % (n / 4096);
            p[page * 4096 + (x % 4096)] ^= (uint8_t)(s + k);
        }
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (pread(fd, p + ((x >> 5) % (n / 4096)) * 4096, 4096, (s * 4096) % (1 << 20)) != 4096) return 2;
        if (s % 10 == 0) {
            pid_t c = fork();
            if (c == 0) { sh[(s * 4099) % (1 << 20)] += 3; _exit(0); }
            waitpid(c, NULL, 0);
        }
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i += 8) { uint64_t v; memcpy(&v, p + i, 8); sum = sum * 31 + v; }
        for (size_t i = 0; i < (1 << 20); i += 8) { uint64_t v; memcpy(&v, sh + i, 8); sum = sum * 31 + v; }
        printf("%d %016llx\n", s, (unsigned long long)sum);
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}
