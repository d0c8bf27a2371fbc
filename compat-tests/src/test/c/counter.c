/* Prints 0, 1, 2, ... up to argv[1], one line every 10 ms: the program issue #3 checkpoints
 * and restores. Output goes out line by line (stdout unbuffered) so that what was printed before
 * a checkpoint is exactly what the program counted. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long last = argc > 1 ? atol(argv[1]) : 1000;
    setvbuf(stdout, NULL, _IONBF, 0);
    struct timespec step = {0, 10 * 1000 * 1000};
    for (long i = 0; i <= last; i++) {
        printf("%ld\n", i);
        nanosleep(&step, NULL);
    }
    return 0;
}
