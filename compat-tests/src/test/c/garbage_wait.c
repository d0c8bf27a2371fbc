/* Garbage arguments to the waiting calls (wait4, poll), kept apart from garbage.c because
 * they come with processes and polling: same format, same rules (harmless natively). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r) {
    if (r == -1) printf("%-64s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%-64s = %ld\n", what, r);
}

#define T(call) (errno = 0, show(#call, (long)(call)))

int main(void) {
    static char buf[8192];
    T(syscall(SYS_wait4, -1, NULL, 0, NULL));
    T(syscall(SYS_wait4, -1, NULL, 0xffff, NULL));
    T(syscall(SYS_poll, NULL, 1, 0));
    T(syscall(SYS_poll, NULL, 0, 0));
    T(syscall(SYS_poll, buf, (unsigned long)1 << 40, 0));
    printf("still here\n");
    return 0;
}
