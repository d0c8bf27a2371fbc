/* Blocks reading a line from stdin, then prints it: a checkpoint taken while it waits must
 * leave it waiting, and the restored copy reads from the restoring process's stdin. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    char buf[256];
    printf("waiting\n");
    fflush(stdout);
    ssize_t n = read(0, buf, sizeof buf - 1);
    if (n < 0) { perror("read"); return 1; }
    buf[n] = 0;
    printf("got: %s", buf);
    return 0;
}
