/* Prints an increasing counter every 10 ms, forever. Static, for bench/checkpoint. */
#include <stdio.h>
#include <time.h>
int main(void) {
  struct timespec ts = {0, 10 * 1000 * 1000};
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (unsigned long i = 0;; i++) {
    printf("%lu\n", i);
    nanosleep(&ts, NULL);
  }
}
