/*
 * The task limit, seen from inside (for cryo only: natively it would fork until the host's
 * limit). Forks children that wait on a pipe until fork fails; the exit status says how many
 * it got (times 10), +1 if the failure was EAGAIN, +2 if zombies still count against the
 * limit, +4 if reaping them makes room again.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int p[2];
    pipe(p);
    pid_t kids[64];
    int n = 0, eagain = 0;
    while (n < 64) {
        pid_t c = fork();
        if (c < 0) {
            eagain = errno == EAGAIN;
            break;
        }
        if (c == 0) {
            char b;
            close(p[1]);
            read(p[0], &b, 1);
            _exit(0);
        }
        kids[n++] = c;
    }
    close(p[1]); /* the children see EOF and exit; they stay zombies until reaped */
    for (int i = 0; i < n; i++) {
        siginfo_t si;
        waitid(P_PID, kids[i], &si, WEXITED | WNOWAIT);
    }
    pid_t c = fork();
    int zombiesCount = c < 0 && errno == EAGAIN;
    if (c == 0) _exit(0);
    for (int i = 0; i < n; i++) waitpid(kids[i], NULL, 0);
    if (c > 0) waitpid(c, NULL, 0);
    c = fork();
    if (c == 0) _exit(0);
    int room = c > 0;
    if (c > 0) waitpid(c, NULL, 0);
    return n * 10 + eagain + 2 * zombiesCount + 4 * room;
}
