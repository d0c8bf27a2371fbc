/* Writes through a NULL pointer on purpose: the kernel kills it with SIGSEGV (status 139).
 * What it printed before the fault must reach stdout (it is flushed first). */
#include <stdio.h>

int main(void) {
    printf("about to write through NULL\n");
    fflush(stdout);
    volatile int *p = (volatile int *)0;
    *p = 42;
    printf("survived the NULL write (wrong)\n");
    return 0;
}
