/* tracked_writers [THREADS [ROUNDS]]: THREADS threads (default 4) write, in lockstep, to the
 * same pages of a 32 MiB buffer in the same order, ROUNDS times (default 60), 10 ms apart;
 * then checks every byte and exits 0, or 3 if one is wrong. After each checkpoint into the
 * store every granule is held read-only again (write tracking), so threads racing to write a
 * granule first all fault on it: the faults served after the first find it writable already,
 * and must simply run again (IncrementalCheckpointTest). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE (32 << 20)

static uint8_t *buf;
static int nthreads, rounds;
static pthread_barrier_t bar;

static void *run(void *arg) {
    long id = (long)arg;
    for (int r = 0; r < rounds; r++) {
        pthread_barrier_wait(&bar);
        for (size_t off = 0; off < SIZE; off += 4096) buf[off + id]++;
        pthread_barrier_wait(&bar);
        if (id == 0) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    nthreads = argc > 1 ? atoi(argv[1]) : 4;
    rounds = argc > 2 ? atoi(argv[2]) : 60;
    if (nthreads < 1 || nthreads > 64) return 2;
    buf = malloc(SIZE);
    memset(buf, 0, SIZE);
    pthread_barrier_init(&bar, NULL, nthreads);
    pthread_t th[64];
    for (long i = 1; i < nthreads; i++) pthread_create(&th[i], NULL, run, (void *)i);
    run((void *)0);
    for (long i = 1; i < nthreads; i++) pthread_join(th[i], NULL);
    for (size_t off = 0; off < SIZE; off += 4096) {
        for (int id = 0; id < nthreads; id++) {
            if (buf[off + id] != (uint8_t)rounds) {
                printf("bad byte at %zu: %d\n", off + id, buf[off + id]);
                return 3;
            }
        }
    }
    printf("done\n");
    return 0;
}
