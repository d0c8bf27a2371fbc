/*
 * Threads to checkpoint in the middle: four workers take turns on a mutex and a condition
 * variable (futex waits and wakes), each sleeping between its turns, while a fifth waits on a
 * condition variable for the end and the main thread joins them all. Saved at any moment, the
 * restored process must finish with every count exact: no turn lost or taken twice, no waiter
 * left asleep.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define WORKERS 4
#define TURNS 150

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER, end_cv = PTHREAD_COND_INITIALIZER;
static int turn, total, finished, counts[WORKERS];

static void *worker(void *arg) {
    int me = (int)(long)arg;
    struct timespec ts = {0, 300000};
    for (int i = 0; i < TURNS; i++) {
        pthread_mutex_lock(&mu);
        while (turn != me) pthread_cond_wait(&turn_cv, &mu);
        counts[me]++;
        total++;
        turn = (turn + 1) % WORKERS;
        pthread_cond_broadcast(&turn_cv);
        pthread_mutex_unlock(&mu);
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&mu);
    if (++finished == WORKERS) pthread_cond_signal(&end_cv);
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *watcher(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (finished < WORKERS) pthread_cond_wait(&end_cv, &mu);
    int t = total;
    pthread_mutex_unlock(&mu);
    return (void *)(long)t;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pthread_t w[WORKERS], end;
    pthread_create(&end, NULL, watcher, NULL);
    for (long i = 0; i < WORKERS; i++) pthread_create(&w[i], NULL, worker, (void *)i);
    for (int i = 0; i < WORKERS; i++) pthread_join(w[i], NULL);
    void *seen;
    pthread_join(end, &seen);
    for (int i = 0; i < WORKERS; i++) printf("worker %d: %d turns\n", i, counts[i]);
    printf("total %d, the watcher saw %ld\n", total, (long)seen);
    return 0;
}
