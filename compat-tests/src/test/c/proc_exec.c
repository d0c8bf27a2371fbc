/*
 * execve: a static program, #! scripts (with and without an argument, nested, looping), the
 * errors a failed exec reports (after which the caller runs on unchanged), and execveat.
 * argv[1] is a directory the test filled with scripts and files (see ProcessesTest); argv[2]
 * is /bin/busybox.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;

static void report(const char *what, long r) {
    if (r < 0) printf("%s: %ld errno %d\n", what, r, errno);
    else printf("%s: %ld\n", what, r);
}

/* Runs path with argv in a child; prints what the exec returned there, or the child's status. */
static void run(const char *what, const char *path, char *const argv[]) {
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        fcntl(p[1], F_SETFD, FD_CLOEXEC);
        char *envp[] = {"X=1", NULL};
        execve(path, argv, envp);
        int e = errno;
        write(p[1], &e, sizeof e);
        _exit(99);
    }
    close(p[1]);
    int e = 0, st;
    ssize_t n = read(p[0], &e, sizeof e);
    close(p[0]);
    waitpid(c, &st, 0);
    if (n == sizeof e) printf("%s: exec failed, errno %d\n", what, e);
    else printf("%s: ran, exit %d\n", what, WEXITSTATUS(st));
}

static char *in(const char *name) {
    static char buf[8][512];
    static int i;
    char *b = buf[i++ % 8];
    snprintf(b, 512, "%s/%s", dir, name);
    return b;
}

int main(int argc, char **argv) {
    dir = argv[1];
    const char *busybox = argv[2];
    setvbuf(stdout, NULL, _IONBF, 0);

    run("static program", busybox, (char *[]){"echo", "from busybox", NULL});
    run("script", in("script.sh"), (char *[]){"ignored-argv0", "one", "two", NULL});
    run("script with an argument", in("with-arg"), (char *[]){"x", "a", NULL});
    run("script naming a script", in("nested"), (char *[]){"n", "b", NULL});
    run("script loop", in("loop1"), (char *[]){"l", NULL});
    run("missing file", in("nope"), (char *[]){"nope", NULL});
    run("missing interpreter", in("bad-interp"), (char *[]){"b", NULL});
    run("no x bit", in("plain.txt"), (char *[]){"p", NULL});
    run("a directory", dir, (char *[]){"d", NULL});
    run("not a program", in("garbage"), (char *[]){"g", NULL});
    run("#! with nothing", in("empty-shebang"), (char *[]){"e", NULL});
    run("relative path", "bin/../script.sh", (char *[]){"r", NULL});
    run("no argv at all", busybox, NULL);

    /* A failed exec in this process leaves it as it was. */
    int x = 42;
    report("execve missing", execve(in("nope"), (char *[]){"x", NULL}, (char *[]){NULL}));
    report("execve bad argv", syscall(SYS_execve, busybox, (char **)8, (char *[]){NULL}));
    report("execve bad string", execve(busybox, (char *[]){"echo", (char *)8, NULL}, (char *[]){NULL}));
    report("execve bad path", syscall(SYS_execve, (char *)8, (char *[]){NULL}, (char *[]){NULL}));
    char *big = malloc(200000);
    memset(big, 'a', 199999);
    big[199999] = 0;
    report("execve one huge string", execve(busybox, (char *[]){"echo", big, NULL}, (char *[]){NULL}));
    report("execveat bad flags", syscall(SYS_execveat, AT_FDCWD, busybox, (char *[]){"true", NULL}, NULL, 1));
    printf("still here, x=%d\n", x);

    /* execveat relative to a directory descriptor, and of a descriptor itself. */
    /* (A script run this way would be told it is /dev/fd/N/script.sh, which needs /proc.) */
    int d = open("/bin", O_RDONLY | O_DIRECTORY);
    pid_t c = fork();
    if (c == 0) {
        syscall(SYS_execveat, d, "busybox", (char *[]){"sh", "-c", "echo at; exit 3", NULL}, (char *[]){NULL}, 0);
        _exit(98);
    }
    int st;
    waitpid(c, &st, 0);
    printf("execveat(dirfd): exit %d\n", WEXITSTATUS(st));
    int f = open(busybox, O_RDONLY);
    c = fork();
    if (c == 0) {
        syscall(SYS_execveat, f, "", (char *[]){"echo", "empty path", NULL}, (char *[]){NULL}, 0x1000);
        _exit(97);
    }
    waitpid(c, &st, 0);
    printf("execveat(fd, \"\", AT_EMPTY_PATH): exit %d\n", WEXITSTATUS(st));
    report("execveat(fd, \"\") without AT_EMPTY_PATH", syscall(SYS_execveat, f, "", (char *[]){NULL}, NULL, 0));
    printf("done\n");
    return 0;
}
