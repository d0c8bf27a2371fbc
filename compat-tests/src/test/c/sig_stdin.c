/* A read of stdin (an idle pipe: nothing ever arrives) is interrupted by a timer's signal:
 * EINTR when the handler has no SA_RESTART; restarted when it has, until the handler itself
 * ends the program. The same with sigsuspend-free waiting in pause() for comparison. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int alarms;

static void count(int sig) {
    (void)sig;
    alarms++;
}

static void count_then_exit(int sig) {
    (void)sig;
    if (++alarms == 3) {
        static const char msg[] = "read restarted twice, the third alarm ends it\n";
        write(1, msg, sizeof msg - 1);
        _exit(0);
    }
}

static void handle(void (*h)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char c;
    handle(count, 0);
    struct itimerval once = {{0, 0}, {0, 30000}};
    setitimer(ITIMER_REAL, &once, NULL);
    errno = 0;
    ssize_t n = read(0, &c, 1);
    printf("without SA_RESTART: read = %zd %s, alarms %d\n", n, strerrorname_np(errno), alarms);

    alarms = 0;
    handle(count_then_exit, SA_RESTART);
    struct itimerval every = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &every, NULL);
    n = read(0, &c, 1);
    printf("read returned %zd (wrong)\n", n);
    return 1;
}
