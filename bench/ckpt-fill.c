/* Fills N MiB (default 200) with pseudo-random data (xorshift64*, so it does not compress
 * and no page is zero; an optional second argument seeds it, so that runs differ), prints
 * "filled", then prints a counter every 10 ms forever.
 * Static, for bench/checkpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
  size_t n = mib << 17; /* 8-byte words */
  uint64_t *p = malloc(n * 8);
  if (!p) { perror("malloc"); return 1; }
  uint64_t x = 0x9E3779B97F4A7C15ull ^ (argc > 2 ? strtoull(argv[2], NULL, 10) : 0);
  for (size_t i = 0; i < n; i++) {
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    p[i] = x * 0x2545F4914F6CDD1Dull;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("filled %zu MiB\n", mib);
  struct timespec ts = {0, 10 * 1000 * 1000};
  for (unsigned long i = 0;; i++) {
    printf("%lu %lx\n", i, (unsigned long)p[(i * 4099) % n]);
    nanosleep(&ts, NULL);
  }
}
