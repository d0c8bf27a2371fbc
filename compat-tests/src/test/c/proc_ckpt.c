/*
 * A process tree to checkpoint in the middle: a child fills a pipe and exits (a zombie, with
 * its bytes in flight), another child blocks reading a second pipe, and the parent sleeps
 * before it collects everything. Saved during the sleep, the restored tree must still hold the
 * data, the zombie's status and the blocked reader.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int data[2], go[2], st;
    pipe(data);
    pipe(go);
    pid_t writer = fork();
    if (writer == 0) {
        char line[64];
        for (int i = 0; i < 3000; i++) {
            int n = snprintf(line, sizeof line, "line %d\n", i);
            write(data[1], line, n);
        }
        _exit(17);
    }
    close(data[1]);
    pid_t reader = fork();
    if (reader == 0) {
        char c;
        close(go[1]);
        ssize_t n = read(go[0], &c, 1); /* blocks until the parent says go */
        printf("reader got %zd byte '%c'\n", n, c);
        _exit(18);
    }
    close(go[0]);
    printf("started\n");
    struct timespec ts = {0, 600 * 1000 * 1000};
    nanosleep(&ts, NULL); /* the checkpoint lands here */
    char buf[65536];
    long total = 0, lines = 0;
    ssize_t n;
    while ((n = read(data[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
        total += n;
    }
    printf("pipe held %ld bytes, %ld lines\n", total, lines);
    printf("writer reaped: %d\n", waitpid(writer, &st, 0) == writer);
    printf("  exit %d\n", WEXITSTATUS(st));
    write(go[1], "g", 1);
    printf("reader reaped: %d\n", waitpid(reader, &st, 0) == reader);
    printf("  exit %d\n", WEXITSTATUS(st));
    return 0;
}
