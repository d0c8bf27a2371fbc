/* A byte bounced between two processes through two pipes, N round trips per batch; prints the
 * median of 10 batches in µs per round trip, after WARMUP round trips that are not timed
 * (default 20000; a second argument sets it). The warm-up is the same everywhere: on this
 * machine a pair of processes takes ~10,000-20,000 round trips to settle, natively too (the
 * scheduler's placement of the two ends; a sandbox's JIT besides). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    int warmup = argc > 2 ? atoi(argv[2]) : 20000;
    int ping[2], pong[2];
    pipe(ping);
    pipe(pong);
    pid_t p = fork();
    char c = 'x';
    if (p == 0) {
        close(ping[1]);
        close(pong[0]);
        while (read(ping[0], &c, 1) == 1) write(pong[1], &c, 1);
        _exit(0);
    }
    close(ping[0]);
    close(pong[1]);
    for (int i = 0; i < warmup; i++) {
        write(ping[1], &c, 1);
        read(pong[0], &c, 1);
    }
    double batch[10];
    for (int b = 0; b < 10; b++) {
        double t0 = now_us();
        for (int i = 0; i < n; i++) {
            write(ping[1], &c, 1);
            read(pong[0], &c, 1);
        }
        batch[b] = (now_us() - t0) / n;
    }
    close(ping[1]);
    int st;
    waitpid(p, &st, 0);
    qsort(batch, 10, sizeof batch[0], cmp);
    printf("%.1f\n", (batch[4] + batch[5]) / 2);
    return 0;
}
