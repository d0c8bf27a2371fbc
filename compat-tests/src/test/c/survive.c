/* Sets up process state that a checkpoint must keep (cwd, umask, rlimits, signal dispositions
 * and mask, an open file's offset), sleeps in steps long enough to be checkpointed in the middle,
 * then prints all of it: a restored run must print what an uninterrupted one prints. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 100;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (chdir("/usr/share") != 0) return 2;
    umask(027);
    struct rlimit rl = {100, 200};
    setrlimit(RLIMIT_NOFILE, &rl);
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGHUP, SIG_IGN);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    int fd = open("/etc/os-release", O_RDONLY);
    char buf[16] = {0};
    read(fd, buf, 10);
    printf("first bytes: %s\n", buf);

    struct timespec step = {0, 10 * 1000 * 1000};
    for (int i = 0; i < steps; i++) nanosleep(&step, NULL);

    char cwd[256];
    printf("cwd: %s\n", getcwd(cwd, sizeof cwd));
    mode_t m = umask(0);
    printf("umask: %03o\n", m);
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("nofile: %lu %lu\n", (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("usr1: handler %s, SA_RESTART %d, masks TERM %d\n", now.sa_handler == on_usr1 ? "ours" : "other",
           (now.sa_flags & SA_RESTART) != 0, sigismember(&now.sa_mask, SIGTERM));
    sigaction(SIGHUP, NULL, &now);
    printf("hup: %s\n", now.sa_handler == SIG_IGN ? "ignored" : "not ignored");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("usr2 blocked: %d\n", sigismember(&cur, SIGUSR2));
    printf("PATH: %s\n", getenv("PATH"));
    memset(buf, 0, sizeof buf);
    read(fd, buf, 10);
    printf("next bytes: %s, offset %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));
    return 0;
}
