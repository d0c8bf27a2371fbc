/*
 * A process waiting in epoll to checkpoint in the middle: a child writes a numbered line every
 * few milliseconds into one pipe, a thread into another; the main thread waits in epoll_wait
 * (one pipe level-triggered, the other edge-triggered) and checks every line arrives once, in
 * order. Saved while it waits, the restored process must go on with the same interest list.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINES 60

static int tp[2];

static void writer(int fd, int step_us) {
    struct timespec ts = {0, step_us * 1000L};
    char line[32];
    for (int i = 0; i < LINES; i++) {
        int n = snprintf(line, sizeof line, "%04d\n", i);
        write(fd, line, n);
        nanosleep(&ts, NULL);
    }
    close(fd);
}

static void *thread_writer(void *arg) {
    (void)arg;
    writer(tp[1], 3000);
    return NULL;
}

/* Reads what is there; returns 0 at EOF. Checks the numbers follow each other. */
static int drain(int fd, int *next, char *acc, int *len, const char *who) {
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) return 1;
    memcpy(acc + *len, buf, n);
    *len += n;
    while (*len >= 5) {
        int v = atoi(acc);
        if (v != *next) printf("%s: expected %d, got %d\n", who, *next, v);
        (*next)++;
        memmove(acc, acc + 5, *len - 5);
        *len -= 5;
    }
    return 1;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int cp[2];
    pipe(cp);
    pipe(tp);
    pid_t child = fork();
    if (child == 0) {
        close(cp[0]);
        writer(cp[1], 4000);
        _exit(0);
    }
    close(cp[1]);
    pthread_t th;
    pthread_create(&th, NULL, thread_writer, NULL);
    int e = epoll_create1(0);
    struct epoll_event a = {.events = EPOLLIN, .data.u32 = 1}, b = {.events = EPOLLIN | EPOLLET, .data.u32 = 2};
    epoll_ctl(e, EPOLL_CTL_ADD, cp[0], &a);
    epoll_ctl(e, EPOLL_CTL_ADD, tp[0], &b);
    int next[3] = {0, 0, 0}, len[3] = {0, 0, 0}, open = 2;
    char acc[3][512];
    while (open > 0) {
        struct epoll_event out[2];
        int n = epoll_wait(e, out, 2, 10000);
        if (n <= 0) {
            printf("epoll_wait gave %d\n", n);
            break;
        }
        for (int i = 0; i < n; i++) {
            int k = out[i].data.u32, fd = k == 1 ? cp[0] : tp[0];
            /* edge-triggered: read until the pipe is empty (a short read) or at its end */
            int more = drain(fd, &next[k], acc[k], &len[k], k == 1 ? "child" : "thread");
            if (!more) {
                epoll_ctl(e, EPOLL_CTL_DEL, fd, NULL);
                open--;
            }
        }
    }
    pthread_join(th, NULL);
    int st;
    waitpid(child, &st, 0);
    printf("child lines %d, thread lines %d, child exit %d\n", next[1], next[2], WEXITSTATUS(st));
    return 0;
}
