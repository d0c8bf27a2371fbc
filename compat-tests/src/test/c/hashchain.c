/* Fills 200 MiB with pseudo-random data, then computes a long chain of hashes over it with
 * floating-point and SIMD (SSE/AVX vector) work in flight, and prints the results: a checkpoint
 * at any moment, restored, must print exactly what an uninterrupted run prints. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef double v4d __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
    int rounds = argc > 2 ? atoi(argv[2]) : 40;
    size_t n = mib << 17; /* 8-byte words */
    uint64_t *m = malloc(n * sizeof *m);
    if (!m) return 2;
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        m[i] = x;
    }
    v4d acc = {0.5, 1.5, 2.5, 3.5};
    v4u h = {1, 2, 3, 4};
    double f = 1.0;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i + 4 <= n; i += 4) {
            v4u w = {m[i], m[i + 1], m[i + 2], m[i + 3]};
            h = (h ^ w) * 0x100000001b3ULL;
            v4d d = {(double)(w[0] >> 11), (double)(w[1] >> 11), (double)(w[2] >> 11), (double)(w[3] >> 11)};
            acc = acc * 0.999999 + d * 1e-18;
            f = f * 1.0000001 + (double)(h[0] & 0xff) * 1e-9;
        }
        m[r % n] ^= h[0] ^ h[1] ^ h[2] ^ h[3];
        printf("round %d: %016llx %016llx %.12e %.12e\n", r, (unsigned long long)(h[0] ^ h[2]),
               (unsigned long long)(h[1] ^ h[3]), acc[0] + acc[1] + acc[2] + acc[3], f);
        fflush(stdout);
    }
    return 0;
}
