/* Bytes moved between two descriptors by the kernel: sendfile, with its errors, its offsets
 * (the pointer's and the file's), pipes full and without readers, sockets. See case.h. */
#include "case.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

static unsigned long fnv(const unsigned char *p, size_t n, unsigned long h) {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211UL;
    return h;
}

static int ro(const char *path) { return open(path, O_RDONLY); }

/* Reads what is in a pipe (non-blocking) and prints its length and checksum. */
static void drain(int fd) {
    static unsigned char b[1 << 16];
    unsigned long h = 14695981039346656037UL;
    size_t total = 0;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    ssize_t n;
    while ((n = read(fd, b, sizeof b)) > 0) { h = fnv(b, n, h); total += n; }
    printf("drained %zu bytes, fnv %016lx\n", total, h);
}

/* The checksum of [off, off+len) of a file, read with pread: what sendfile should have moved. */
static void expect(const char *path, off_t off, size_t len) {
    static unsigned char b[1 << 16];
    unsigned long h = 14695981039346656037UL;
    size_t total = 0;
    int fd = ro(path);
    while (total < len) {
        ssize_t n = pread(fd, b, len - total < sizeof b ? len - total : sizeof b, off + total);
        if (n <= 0) break;
        h = fnv(b, n, h);
        total += n;
    }
    close(fd);
    printf("expected %zu bytes, fnv %016lx\n", total, h);
}

static void sendfile_errors(void) {
    int p[2];
    pipe(p);
    off_t off = 0, neg = -1;
    int in = ro("/etc/passwd");
    T(sendfile(p[1], -1, NULL, 10));
    T(sendfile(p[1], 99, NULL, 10));
    T(sendfile(-1, in, NULL, 10));
    T(sendfile(p[1], open("/dev/null", O_WRONLY), NULL, 10));
    T(sendfile(p[1], open("/etc/passwd", O_PATH), NULL, 10));
    T(sendfile(ro("/etc/group"), in, NULL, 10));
    T(sendfile(p[0], in, NULL, 10));
    T(syscall(SYS_sendfile, p[1], in, WILD, 10));
    T(syscall(SYS_sendfile, WILD, in, NULL, 10));
    T(sendfile(p[1], in, &neg, 10));
    T(sendfile(p[1], in, NULL, (size_t)-1));
    T(sendfile(p[1], in, &off, (size_t)-1));
    T(sendfile(p[1], p[0], NULL, 10));
    T(sendfile(p[1], p[0], &off, 10));
    T(sendfile(p[1], ro("/etc"), NULL, 10));
    T(sendfile(p[1], ro("/etc"), &off, 10));
    T(sendfile(open("/dev/null", O_WRONLY | O_APPEND), in, NULL, 10));
    T(sendfile(open("/dev/null", O_WRONLY), ro("/dev/zero"), NULL, 10));
    T(sendfile(p[1], ro("/dev/zero"), NULL, 10));
    T(sendfile(p[1], in, NULL, 0));
    T(lseek(in, 0, SEEK_CUR));
    drain(p[0]);
}

static void sendfile_file_offset(void) {
    /* Without a pointer: from the file's offset, which advances. */
    int p[2];
    pipe(p);
    int in = ro("/etc/passwd");
    struct stat st;
    fstat(in, &st);
    T(lseek(in, 7, SEEK_SET));
    T(sendfile(p[1], in, NULL, 100));
    T(lseek(in, 0, SEEK_CUR));
    drain(p[0]);
    expect("/etc/passwd", 7, 100);
    T(sendfile(p[1], in, NULL, 1 << 20) == st.st_size - 107);
    T(lseek(in, 0, SEEK_CUR) == st.st_size);
    T(sendfile(p[1], in, NULL, 100));
    drain(p[0]);
    expect("/etc/passwd", 107, st.st_size - 107);
}

static void sendfile_pointer_offset(void) {
    /* With a pointer: from it, which advances; the file's own offset stays. */
    int p[2];
    pipe(p);
    int in = ro("/etc/passwd");
    struct stat st;
    fstat(in, &st);
    off_t off = 3;
    T(lseek(in, 11, SEEK_SET));
    T(sendfile(p[1], in, &off, 50));
    printf("off %ld\n", (long)off);
    T(lseek(in, 0, SEEK_CUR));
    drain(p[0]);
    expect("/etc/passwd", 3, 50);
    off = st.st_size - 5;
    T(sendfile(p[1], in, &off, 50));
    Y("off at the end", off == st.st_size);
    off = st.st_size + 100;
    T(sendfile(p[1], in, &off, 50));
    Y("off unchanged past the end", off == st.st_size + 100);
    drain(p[0]);
}

static void sendfile_big_to_dev_null(void) {
    /* Many steps in one call, and a count over what one call may move. */
    int in = ro("/bin/busybox");
    struct stat st;
    fstat(in, &st);
    int out = open("/dev/null", O_WRONLY);
    T(sendfile(out, in, NULL, 300000));
    T(lseek(in, 0, SEEK_CUR));
    T(sendfile(out, in, NULL, 1UL << 40) == st.st_size - 300000);
    T(sendfile(out, in, NULL, 1UL << 40));
    off_t off = 1;
    T(sendfile(out, in, &off, 0x7ffff000UL + 10) == st.st_size - 1);
    Y("off at the end", off == st.st_size);
}

static void sendfile_full_pipe(void) {
    /* A non-blocking pipe takes what fits, then EAGAIN; a pipe without readers EPIPE (SIGPIPE ignored). */
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    pipe2(p, O_NONBLOCK);
    int in = ro("/bin/busybox");
    T(sendfile(p[1], in, NULL, 200000));
    T(lseek(in, 0, SEEK_CUR));
    T(sendfile(p[1], in, NULL, 200000));
    T(lseek(in, 0, SEEK_CUR));
    drain(p[0]);
    expect("/bin/busybox", 0, 65536);
    T(write(p[1], "x", 1));
    T(sendfile(p[1], in, NULL, 200000));
    drain(p[0]);
    close(p[0]);
    T(sendfile(p[1], in, NULL, 10));
    T(lseek(in, 0, SEEK_CUR));
}

static void sendfile_blocking_pipe(void) {
    /* A blocking pipe and a reader in another process: all of it arrives, in order. */
    int p[2];
    pipe(p);
    int in = ro("/bin/busybox");
    struct stat st;
    fstat(in, &st);
    pid_t child = fork();
    if (child == 0) {
        close(p[1]);
        static unsigned char b[1 << 16];
        unsigned long h = 14695981039346656037UL;
        size_t total = 0;
        ssize_t n;
        while ((n = read(p[0], b, sizeof b)) > 0) { h = fnv(b, n, h); total += n; }
        printf("child read %zu bytes, fnv %016lx\n", total, h);
        fflush(stdout);
        _exit(0);
    }
    close(p[0]);
    /* Into a pipe each call is one splice: at most the pipe's free slots, so callers loop. */
    ssize_t first = sendfile(p[1], in, NULL, st.st_size), n = first;
    off_t left = st.st_size - first;
    while (n > 0 && left > 0) {
        n = sendfile(p[1], in, NULL, left);
        if (n > 0) left -= n;
    }
    printf("first call %zd, all sent: %s\n", first, left == 0 ? "yes" : "no");
    close(p[1]);
    int status;
    waitpid(child, &status, 0);
    expect("/bin/busybox", 0, st.st_size);
}

static void sendfile_pipe_pages(void) {
    /* A page of the file per slot, cut at the file's page boundaries; spliced pages take no merged write. */
    int p[2];
    pipe2(p, O_NONBLOCK);
    int in = ro("/bin/busybox");
    T(lseek(in, 100, SEEK_SET));
    T(sendfile(p[1], in, NULL, 1 << 20));
    drain(p[0]);
    expect("/bin/busybox", 100, 65436);
    T(sendfile(p[1], in, NULL, 10));
    T(write(p[1], "x", 1));
    static char big[15 * 4096];
    T(write(p[1], big, sizeof big));
    T(write(p[1], "y", 1));
    drain(p[0]);
    T(sendfile(p[1], ro("/dev/zero"), NULL, 1 << 20));
    drain(p[0]);
    off_t off = 4095;
    T(sendfile(p[1], in, &off, 2));
    T(sendfile(p[1], in, &off, 5000));
    printf("off %ld\n", (long)off);
    drain(p[0]);
}

static void sendfile_to_socket(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int in = ro("/etc/passwd");
    off_t off = 2;
    T(sendfile(sv[0], in, &off, 40));
    drain(sv[1]);
    expect("/etc/passwd", 2, 40);
    close(sv[1]);
    signal(SIGPIPE, SIG_IGN);
    T(sendfile(sv[0], in, NULL, 40));
    T(lseek(in, 0, SEEK_CUR));
}

MAIN(K(sendfile_errors), K(sendfile_file_offset), K(sendfile_pointer_offset), K(sendfile_big_to_dev_null),
     K(sendfile_full_pipe), K(sendfile_blocking_pipe), K(sendfile_pipe_pages), K(sendfile_to_socket))
