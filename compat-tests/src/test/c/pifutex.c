/* Priority-inheritance futexes: glibc's PTHREAD_PRIO_INHERIT mutexes (FUTEX_LOCK_PI and
 * FUTEX_UNLOCK_PI on contention), and the raw operations with their errors, hand-over to the
 * waiter, a dying owner's hand-over (robust: EOWNERDEAD), and deadlock detection along a chain
 * of owners. Every output is a count, an errno name or a yes/no, the same however the threads
 * interleave. */
#include "case.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static long futex(atomic_int *w, int op, const void *ts) {
    return syscall(SYS_futex, w, op, 0, ts, NULL, 0);
}
static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
static int tid(void) {
    return (int)syscall(SYS_gettid);
}
/* Until someone waits in the kernel for the lock at w (its FUTEX_WAITERS bit). */
static void await_waiter(atomic_int *w) {
    while (!(atomic_load(w) & FUTEX_WAITERS)) pause_ms(1);
}

static pthread_mutex_t pi_mu;
static long counter;
static void *add(void *arg) {
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&pi_mu);
        counter++;
        pthread_mutex_unlock(&pi_mu);
    }
    return NULL;
}
static void pi_mutex_counter(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    printf("setprotocol: %d\n", pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
    pthread_mutex_init(&pi_mu, &a);
    pthread_t th[8];
    for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, add, NULL);
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    printf("counter %ld\n", counter);
    printf("trylock: %d\n", pthread_mutex_trylock(&pi_mu));
    printf("trylock again: %s\n", pthread_mutex_trylock(&pi_mu) == EBUSY ? "EBUSY" : "other");
    printf("unlock: %d\n", pthread_mutex_unlock(&pi_mu));
}

static atomic_int held_w, held_release;
static void *hold(void *arg) {
    (void)arg;
    futex(&held_w, FUTEX_TRYLOCK_PI_PRIVATE, NULL);
    while (!atomic_load(&held_release)) pause_ms(1);
    futex(&held_w, FUTEX_UNLOCK_PI_PRIVATE, NULL);
    return NULL;
}
static void pi_errors(void) {
    static atomic_int w;
    T(futex(&w, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
    Y("the word names me", atomic_load(&w) == tid());
    T(futex(&w, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
    T(futex(&w, FUTEX_LOCK_PI_PRIVATE, NULL));
    T(futex(&w, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    printf("word %#x\n", atomic_load(&w));
    T(futex(&w, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    T(futex(&w, FUTEX_LOCK_PI_PRIVATE, NULL));
    T(futex(&w, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    /* an owner that does not exist: the waiters bit is set all the same */
    atomic_store(&w, 0x3ffffff0);
    T(futex(&w, FUTEX_LOCK_PI_PRIVATE, NULL));
    printf("word %#x\n", atomic_load(&w));
    atomic_store(&w, 0x3ffffff0);
    T(futex(&w, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
    T(futex(&w, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    /* free but marked OWNER_DIED: taken, the mark kept for the new owner to see */
    atomic_store(&w, FUTEX_OWNER_DIED);
    T(futex(&w, FUTEX_LOCK_PI_PRIVATE, NULL));
    Y("owner died kept", atomic_load(&w) == (FUTEX_OWNER_DIED | tid()));
    T(futex(&w, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    T(futex((atomic_int *)((char *)&w + 2), FUTEX_LOCK_PI_PRIVATE, NULL));
    T(futex(NULL, FUTEX_LOCK_PI_PRIVATE, NULL));
    T(futex(&w, FUTEX_UNLOCK_PI_PRIVATE | FUTEX_CLOCK_REALTIME, NULL));

    /* owned by a live thread: trylock would block, timed locks time out */
    pthread_t th;
    pthread_create(&th, NULL, hold, NULL);
    while (atomic_load(&held_w) == 0) pause_ms(1);
    T(futex(&held_w, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
    Y("waiters bit set by the try", atomic_load(&held_w) & FUTEX_WAITERS);
    T(futex(&held_w, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    struct timespec soon;
    clock_gettime(CLOCK_REALTIME, &soon);
    soon.tv_nsec += 20000000;
    if (soon.tv_nsec >= 1000000000) soon.tv_sec++, soon.tv_nsec -= 1000000000;
    T(futex(&held_w, FUTEX_LOCK_PI_PRIVATE, &soon));
    clock_gettime(CLOCK_MONOTONIC, &soon);
    T(futex(&held_w, FUTEX_LOCK_PI2_PRIVATE, &soon));
    clock_gettime(CLOCK_REALTIME, &soon);
    T(futex(&held_w, FUTEX_LOCK_PI2_PRIVATE | FUTEX_CLOCK_REALTIME, &soon));
    struct timespec bad = {0, 1000000000};
    T(futex(&held_w, FUTEX_LOCK_PI_PRIVATE, &bad));
    atomic_store(&held_release, 1);
    pthread_join(th, NULL);
    printf("word after its owner unlocked %#x\n", atomic_load(&held_w));
}

/* What the other threads saw, printed by the main thread after joining them (in order). */
static long got, owned, released;
static atomic_int hw, waiter_tid;
static void *lock_then_unlock(void *arg) {
    (void)arg;
    atomic_store(&waiter_tid, tid());
    got = futex(&hw, FUTEX_LOCK_PI_PRIVATE, NULL);
    owned = atomic_load(&hw) == (FUTEX_WAITERS | atomic_load(&waiter_tid));
    released = futex(&hw, FUTEX_UNLOCK_PI_PRIVATE, NULL);
    return NULL;
}
static void pi_hand_over(void) {
    T(futex(&hw, FUTEX_LOCK_PI_PRIVATE, NULL));
    pthread_t th;
    pthread_create(&th, NULL, lock_then_unlock, NULL);
    await_waiter(&hw);
    /* a plain wake of a PI futex someone waits on in LOCK_PI is refused */
    T(syscall(SYS_futex, &hw, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    T(futex(&hw, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    pthread_join(th, NULL);
    printf("waiter locked: %ld\n", got);
    Y("waiter owned it, waiters bit set", owned);
    printf("waiter unlocked: %ld\n", released);
    printf("word %#x\n", atomic_load(&hw));
}

static pthread_mutex_t robust_pi;
static atomic_int robust_held;
static void *die_holding(void *arg) {
    (void)arg;
    pthread_mutex_lock(&robust_pi);
    atomic_store(&robust_held, 1);
    pause_ms(30); /* the main thread is (most likely) waiting in LOCK_PI by now */
    return NULL;  /* ends with the lock held */
}
static void pi_robust_owner_died(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&robust_pi, &a);
    pthread_t th;
    pthread_create(&th, NULL, die_holding, NULL);
    while (!atomic_load(&robust_held)) pause_ms(1);
    int r = pthread_mutex_lock(&robust_pi);
    printf("lock: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "other");
    printf("consistent: %d\n", pthread_mutex_consistent(&robust_pi));
    printf("unlock: %d\n", pthread_mutex_unlock(&robust_pi));
    pthread_join(th, NULL);
    printf("lock again: %d\n", pthread_mutex_lock(&robust_pi));
    printf("unlock again: %d\n", pthread_mutex_unlock(&robust_pi));
}

static atomic_int l1, l2;
static void *a_holds_l1_waits_l2(void *arg) {
    (void)arg;
    futex(&l1, FUTEX_LOCK_PI_PRIVATE, NULL);
    got = futex(&l2, FUTEX_LOCK_PI_PRIVATE, NULL);
    futex(&l2, FUTEX_UNLOCK_PI_PRIVATE, NULL);
    futex(&l1, FUTEX_UNLOCK_PI_PRIVATE, NULL);
    return NULL;
}
static void pi_deadlock_chain(void) {
    T(futex(&l2, FUTEX_LOCK_PI_PRIVATE, NULL));
    pthread_t th;
    pthread_create(&th, NULL, a_holds_l1_waits_l2, NULL);
    await_waiter(&l2);
    /* l1's owner waits for l2, which is mine: waiting for l1 would never end */
    T(futex(&l1, FUTEX_LOCK_PI_PRIVATE, NULL));
    T(futex(&l2, FUTEX_UNLOCK_PI_PRIVATE, NULL));
    pthread_join(th, NULL);
    printf("a got l2: %ld\n", got);
    printf("words %#x %#x\n", atomic_load(&l1), atomic_load(&l2));
}

MAIN(K(pi_mutex_counter), K(pi_errors), K(pi_hand_over), K(pi_robust_owner_died), K(pi_deadlock_chain))
