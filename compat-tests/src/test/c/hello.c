/* The smallest static program: one line on stdout, exit 0. */
#include <stdio.h>

int main(void) {
    printf("hello, world\n");
    return 0;
}
