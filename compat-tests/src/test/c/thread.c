/* Threads and futexes: pthreads as glibc makes them (clone3/clone with CLONE_THREAD, set_tid_address,
 * robust lists, futex waits and wakes), and the raw futex operations. Every output is a count or a
 * yes/no that is the same on any host, however the threads interleave. */
#include "case.h"
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>

static long futex(atomic_int *w, int op, int val, const void *ts, atomic_int *w2, int val3) {
    return syscall(SYS_futex, w, op, val, ts, w2, val3);
}
static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void *square(void *arg) {
    long n = (long)arg;
    return (void *)(n * n);
}
static void create_join(void) {
    pthread_t th[8];
    for (long i = 0; i < 8; i++) T(pthread_create(&th[i], NULL, square, (void *)i));
    long sum = 0;
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(th[i], &r);
        sum += (long)r;
    }
    printf("sum of squares %ld\n", sum);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void *add(void *arg) {
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}
static void mutex_counter(void) {
    pthread_t th[8];
    for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, add, NULL);
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    printf("counter %ld\n", counter);
}

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, rounds;
static void *pong(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < 300; i++) {
        while (turn != 1) pthread_cond_wait(&cv, &mu);
        turn = 0;
        rounds++;
        pthread_cond_signal(&cv);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}
static void condvar_pingpong(void) {
    pthread_t th;
    pthread_create(&th, NULL, pong, NULL);
    pthread_mutex_lock(&mu);
    for (int i = 0; i < 300; i++) {
        turn = 1;
        pthread_cond_signal(&cv);
        while (turn != 0) pthread_cond_wait(&cv, &mu);
    }
    pthread_mutex_unlock(&mu);
    pthread_join(th, NULL);
    printf("rounds %d\n", rounds);
}

static void *tids(void *arg) {
    long main_tid = (long)arg;
    long me = syscall(SYS_gettid);
    Y("thread: getpid is the process's", getpid() == main_tid);
    Y("thread: gettid is its own", me != main_tid);
    return NULL;
}
static void thread_ids(void) {
    long me = syscall(SYS_gettid);
    Y("main: gettid is the pid", me == getpid());
    pthread_t th;
    pthread_create(&th, NULL, tids, (void *)me);
    pthread_join(th, NULL);
}

static void *outlive(void *arg) {
    (void)arg;
    pause_ms(30);
    printf("worker ran on after main\nend of main_exits_first\n");
    return NULL; /* the last thread: the process exits 0, stdio flushed */
}
static void main_exits_first(void) {
    pthread_t th;
    pthread_create(&th, NULL, outlive, NULL);
    printf("main leaves\n");
    fflush(stdout);
    pthread_exit(NULL);
}

static void *sleeper(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}
static void *exiter(void *arg) {
    (void)arg;
    pause_ms(20);
    printf("exit(5) from a thread\n");
    fflush(stdout);
    exit(5);
}
static void exit_from_thread(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, sleeper, NULL);
    pthread_create(&b, NULL, exiter, NULL);
    pthread_join(a, NULL); /* never returns: exit_group ends every thread */
}

static void futex_errors(void) {
    static atomic_int w = 7;
    struct timespec ts = {0, 10000000};
    T(futex(&w, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0));
    T(futex(&w, FUTEX_WAIT_PRIVATE, 7, &ts, NULL, 0));
    T(futex(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    T(futex(&w, FUTEX_WAKE, 1, NULL, NULL, 0));
    T(futex((atomic_int *)((char *)&w + 1), FUTEX_WAIT_PRIVATE, 7, NULL, NULL, 0));
    T(futex((atomic_int *)((char *)&w + 2), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    T(futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    T(futex(&w, FUTEX_WAIT_PRIVATE, 7, ONE, NULL, 0));
    struct timespec bad = {0, 1000000000};
    T(futex(&w, FUTEX_WAIT_PRIVATE, 7, &bad, NULL, 0));
    T(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 7, NULL, NULL, 0));
    T(futex(&w, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
    T(futex(&w, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
    T(futex(&w, 99, 1, NULL, NULL, 0));
    T(futex(&w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &w, 8));
    T(futex(&w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1L, &w, 7));
    /* an absolute bitset wait whose deadline has passed */
    struct timespec past;
    clock_gettime(CLOCK_MONOTONIC, &past);
    T(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 7, &past, NULL, FUTEX_BITSET_MATCH_ANY));
    clock_gettime(CLOCK_REALTIME, &past);
    T(futex(&w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &past, NULL, FUTEX_BITSET_MATCH_ANY));
}

static void futex_wake_op(void) {
    static atomic_int a = 0, b = 5;
    /* b += 3, then compare b's old value (5) > 4: wake on both words (no waiters: 0) */
    T(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &b, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 4)));
    printf("b %d\n", atomic_load(&b));
    T(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &b, FUTEX_OP(FUTEX_OP_OR, 4, FUTEX_OP_CMP_EQ, 0)));
    printf("b %d\n", atomic_load(&b));
    T(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &b, FUTEX_OP(FUTEX_OP_ANDN | FUTEX_OP_OPARG_SHIFT, 3, FUTEX_OP_CMP_NE, 0)));
    printf("b %d\n", atomic_load(&b));
    T(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &b, FUTEX_OP(FUTEX_OP_XOR, 1, FUTEX_OP_CMP_LE, 100)));
    printf("b %d\n", atomic_load(&b));
    T(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &b, FUTEX_OP(FUTEX_OP_SET, 42, FUTEX_OP_CMP_LT, 0)));
    printf("b %d\n", atomic_load(&b));
}

static atomic_int word, arrived, released;
static void *waiter(void *arg) {
    (void)arg;
    atomic_fetch_add(&arrived, 1);
    /* word stays 0 until the end: the waiter sleeps until released, whatever wakes it first */
    while (atomic_load(&released) == 0) futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return NULL;
}
static void futex_wait_wake(void) {
    pthread_t th;
    pthread_create(&th, NULL, waiter, NULL);
    /* wake until the waiter is found asleep: the count is 1 once, whenever it got there */
    long woken = 0;
    while (woken == 0) {
        pause_ms(2);
        if (atomic_load(&arrived)) woken = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    atomic_store(&released, 1);
    atomic_store(&word, 1);
    futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    pthread_join(th, NULL);
    printf("woken %ld\n", woken);
}

static atomic_int w1, w2, done;
static void *requeued(void *arg) {
    (void)arg;
    futex(&w1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    atomic_fetch_add(&done, 1);
    return NULL;
}
static void futex_requeue(void) {
    pthread_t th[3];
    for (int i = 0; i < 3; i++) pthread_create(&th[i], NULL, requeued, NULL);
    /* move every waiter of w1 to w2 as it arrives, then wake them there */
    long moved = 0;
    while (moved < 3) {
        long r = futex(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)3L, &w2, 0);
        if (r > 0) moved += r;
        else pause_ms(2);
    }
    Y("none woke on w1", atomic_load(&done) == 0);
    long woken = 0;
    while (woken < 3) woken += futex(&w2, FUTEX_WAKE_PRIVATE, 3, NULL, NULL, 0);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    printf("moved %ld woken %ld done %d\n", moved, woken, atomic_load(&done));
}

static pthread_mutex_t robust;
static void *die_holding(void *arg) {
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL; /* ends with the lock held */
}
static void robust_owner_died(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &a);
    pthread_t th;
    pthread_create(&th, NULL, die_holding, NULL);
    pthread_join(th, NULL);
    int r = pthread_mutex_lock(&robust);
    printf("lock: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "other");
    printf("consistent: %d\n", pthread_mutex_consistent(&robust));
    printf("unlock: %d\n", pthread_mutex_unlock(&robust));
    printf("lock again: %d\n", pthread_mutex_lock(&robust));
    pthread_mutex_unlock(&robust);
}

static atomic_long handled_by;
static atomic_int ready;
static void on_usr1(int sig) {
    (void)sig;
    atomic_store(&handled_by, syscall(SYS_gettid));
}
static void *target(void *arg) {
    atomic_store((atomic_long *)arg, syscall(SYS_gettid));
    atomic_store(&ready, 1);
    while (atomic_load(&handled_by) == 0) pause_ms(1);
    return NULL;
}
static void tgkill_thread(void) {
    signal(SIGUSR1, on_usr1);
    atomic_long tid = 0;
    pthread_t th;
    pthread_create(&th, NULL, target, &tid);
    while (!atomic_load(&ready)) pause_ms(1);
    T(syscall(SYS_tgkill, getpid(), (long)atomic_load(&tid), SIGUSR1));
    pthread_join(th, NULL);
    Y("the handler ran in the target thread", atomic_load(&handled_by) == atomic_load(&tid));
}

static void *unblocked(void *arg) {
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    pthread_sigmask(SIG_SETMASK, &s, NULL);
    atomic_store(&ready, 1);
    while (atomic_load(&handled_by) == 0) pause_ms(1);
    return NULL;
}
static void process_signal_finds_a_thread(void) {
    signal(SIGUSR1, on_usr1);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_t th;
    pthread_create(&th, NULL, unblocked, NULL);
    while (!atomic_load(&ready)) pause_ms(1);
    T(kill(getpid(), SIGUSR1));
    pthread_join(th, NULL);
    Y("not the main thread took it", atomic_load(&handled_by) != getpid());
}

static void *nothing(void *arg) {
    return arg;
}
static void many_threads(void) {
    int ok = 0;
    for (long i = 0; i < 150; i++) {
        pthread_t th;
        void *r;
        if (pthread_create(&th, NULL, nothing, (void *)i) == 0 && pthread_join(th, &r) == 0 && (long)r == i) ok++;
    }
    printf("created and joined %d\n", ok);
}

static void *forker(void *arg) {
    (void)arg;
    pid_t p = fork();
    if (p == 0) _exit(7);
    int st;
    waitpid(p, &st, 0);
    return (void *)(long)WEXITSTATUS(st);
}
static void fork_in_thread(void) {
    pthread_t th;
    void *r;
    pthread_create(&th, NULL, forker, NULL);
    pthread_join(th, &r);
    printf("child of a thread exited %ld\n", (long)r);
}

static void exec_target(void) {
    printf("exec'd image runs alone\n");
    fflush(stdout);
    exit(3);
}
static void exec_with_threads(void) {
    pthread_t th;
    pthread_create(&th, NULL, sleeper, NULL);
    fflush(stdout);
    char *argv[] = {program_invocation_name, "exec_target", NULL};
    execv(program_invocation_name, argv);
    printf("execv failed\n");
}

static void *detached_worker(void *arg) {
    atomic_fetch_add((atomic_int *)arg, 1);
    return NULL;
}
static void detached_threads(void) {
    static atomic_int n;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 20; i++) {
        pthread_t th;
        pthread_create(&th, &a, detached_worker, &n);
    }
    while (atomic_load(&n) < 20) pause_ms(1);
    printf("detached ran %d\n", atomic_load(&n));
}

MAIN(K(create_join), K(mutex_counter), K(condvar_pingpong), K(thread_ids), K(main_exits_first),
     K(exit_from_thread), K(futex_errors), K(futex_wake_op), K(futex_wait_wake), K(futex_requeue),
     K(robust_owner_died), K(tgkill_thread), K(process_signal_finds_a_thread), K(many_threads),
     K(fork_in_thread), K(exec_target), K(exec_with_threads), K(detached_threads))
