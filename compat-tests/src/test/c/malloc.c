/* malloc/free of 500 MiB in mixed sizes. Phase 1 churns a table of live blocks (small, medium
 * and mmap-sized) with a seeded generator, checking each block's contents before it is freed;
 * phase 2 holds 500 MiB live at once (touching every page) and frees it. Prints checksums
 * that depend only on the generator, so native and cryo runs must print the same lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint64_t next(void) {
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

#define SLOTS 2048
static unsigned char *blk[SLOTS];
static size_t len[SLOTS];
static uint8_t tag[SLOTS];

static size_t pick_size(void) {
    uint64_t r = next();
    switch (r % 16) {
    case 0: return 256 * 1024 + (r >> 8) % (4u << 20);   /* mmap-sized */
    case 1: case 2: case 3: return 4096 + (r >> 8) % 65536; /* medium */
    default: return 1 + (r >> 8) % 1024;                  /* small */
    }
}

/* Fills a block with a pattern derived from its tag, only sparsely for big blocks. */
static void fill(unsigned char *p, size_t n, uint8_t t) {
    size_t step = n > 8192 ? 509 : 1;
    for (size_t i = 0; i < n; i += step) p[i] = (unsigned char)(t + i);
    p[n - 1] = t ^ 0x5a;
}

static uint64_t check(const unsigned char *p, size_t n, uint8_t t, uint64_t *bad) {
    uint64_t sum = 0;
    size_t step = n > 8192 ? 509 : 1;
    for (size_t i = 0; i + 1 < n; i += step) {
        if (p[i] != (unsigned char)(t + i)) (*bad)++;
        sum = sum * 31 + p[i];
    }
    if (p[n - 1] != (unsigned char)(t ^ 0x5a)) (*bad)++;
    return sum + p[n - 1];
}

int main(void) {
    const uint64_t target = 500ull << 20;
    uint64_t total = 0, sum = 0, bad = 0, nmalloc = 0, nfree = 0;
    while (total < target) {
        int s = next() % SLOTS;
        if (blk[s]) {
            sum ^= check(blk[s], len[s], tag[s], &bad);
            free(blk[s]);
            nfree++;
            blk[s] = NULL;
        }
        size_t n = pick_size();
        unsigned char *p = malloc(n);
        if (!p) { printf("malloc(%zu) failed\n", n); return 1; }
        nmalloc++;
        tag[s] = (uint8_t)next();
        fill(p, n, tag[s]);
        blk[s] = p; len[s] = n;
        total += n;
        if (nmalloc % 3 == 0) {   /* realloc some of the live ones */
            int r = next() % SLOTS;
            if (blk[r]) {
                size_t m = pick_size();
                size_t keep = m < len[r] ? m : len[r];
                uint64_t b0 = bad;
                unsigned char *q = realloc(blk[r], m);
                if (!q) { printf("realloc failed\n"); return 1; }
                /* the kept prefix must be intact */
                for (size_t i = 0; i + 1 < keep; i += (len[r] > 8192 ? 509 : 1))
                    if (q[i] != (unsigned char)(tag[r] + i)) bad++;
                if (bad != b0) printf("realloc lost data\n");
                fill(q, m, tag[r]);
                blk[r] = q; len[r] = m;
                total += m;
            }
        }
    }
    for (int s = 0; s < SLOTS; s++) {
        if (blk[s]) { sum ^= check(blk[s], len[s], tag[s], &bad); free(blk[s]); nfree++; }
    }
    printf("phase 1: %llu MiB allocated in %llu mallocs, %llu frees, checksum %016llx, bad %llu\n",
           (unsigned long long)(total >> 20), (unsigned long long)nmalloc, (unsigned long long)nfree,
           (unsigned long long)sum, (unsigned long long)bad);

    /* Phase 2: 500 MiB live at once, every page touched. */
    enum { N = 100 };
    size_t each = 5u << 20;
    unsigned char *big[N];
    for (int i = 0; i < N; i++) {
        big[i] = malloc(each);
        if (!big[i]) { printf("malloc of 5 MiB #%d failed\n", i); return 1; }
        for (size_t off = 0; off < each; off += 4096) big[i][off] = (unsigned char)(i + off / 4096);
    }
    uint64_t sum2 = 0;
    for (int i = 0; i < N; i++) {
        for (size_t off = 0; off < each; off += 4096) sum2 = sum2 * 131 + big[i][off];
        free(big[i]);
    }
    printf("phase 2: %d x 5 MiB live, checksum %016llx\n", N, (unsigned long long)sum2);
    return bad != 0;
}
