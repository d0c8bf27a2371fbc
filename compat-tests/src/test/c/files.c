/* Reading files through the raw calls: open/read/lseek/pread/fstat of /etc/os-release (a
 * symlink on Debian), getdents64 of a directory (entries printed sorted, with their types),
 * readlink, and the errors for the usual mistakes. Usage: files DIR SYMLINK */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char outbuf[1 << 16];

static void res(const char *what, long r) {
    if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *type(unsigned char t) {
    switch (t) {
    case DT_REG: return "reg"; case DT_DIR: return "dir"; case DT_LNK: return "lnk";
    case DT_UNKNOWN: return "unknown"; default: return "other";
    }
}

static void stat_line(const char *what, const struct stat *st) {
    printf("%s: mode %o size %lld nlink %lu uid %u gid %u blocks %lld mtime %lld.%09ld ino nonzero %s\n",
           what, st->st_mode, (long long)st->st_size, (unsigned long)st->st_nlink, st->st_uid, st->st_gid,
           (long long)st->st_blocks, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
           st->st_ino ? "yes" : "no");
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: files DIR SYMLINK\n"); return 2; }
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    /* --- open, read in odd-sized chunks, EOF */
    int fd = open("/etc/os-release", O_RDONLY | O_CLOEXEC);
    res("open /etc/os-release", fd >= 0 ? 3 : -1);  /* the number itself: lowest free is 3 */
    char buf[8192];
    size_t total = 0;
    ssize_t n;
    int reads = 0;
    while ((n = read(fd, buf + total, 37)) > 0) { total += n; reads++; }
    printf("read in 37-byte chunks: %zu bytes in %d reads, last read %zd\n", total, reads, n);
    fwrite(buf, 1, total, stdout);
    res("read at EOF", read(fd, buf, 10));

    /* --- lseek */
    res("lseek(0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
    res("lseek(10, SEEK_SET)", lseek(fd, 10, SEEK_SET));
    res("lseek(5, SEEK_CUR)", lseek(fd, 5, SEEK_CUR));
    res("lseek(-3, SEEK_END)", lseek(fd, -3, SEEK_END));
    n = read(fd, buf, sizeof buf);
    printf("read after SEEK_END-3: %zd bytes '%.*s'\n", n, (int)(n > 0 ? n - 1 : 0), buf);
    res("lseek(100, SEEK_END) past the end", lseek(fd, 100, SEEK_END));
    res("read past the end", read(fd, buf, 10));
    res("lseek(-1, SEEK_SET)", lseek(fd, -1, SEEK_SET));
    res("lseek whence 7", lseek(fd, 0, 7));

    /* --- pread leaves the offset alone */
    lseek(fd, 4, SEEK_SET);
    n = pread(fd, buf, 12, 20);
    printf("pread(12 @ 20) = %zd '%.*s'\n", n, (int)n, buf);
    res("offset after pread", lseek(fd, 0, SEEK_CUR));
    res("pread at 1 MiB", pread(fd, buf, 12, 1 << 20));
    res("pread at -1", pread(fd, buf, 12, -1));

    /* --- fstat and stat */
    struct stat st, st2;
    res("fstat", fstat(fd, &st));
    stat_line("fstat /etc/os-release", &st);
    res("stat", stat("/etc/os-release", &st2));
    printf("stat follows the link to the same file: %s\n",
           st.st_ino == st2.st_ino && st.st_dev == st2.st_dev ? "yes" : "no");
    res("lstat", lstat("/etc/os-release", &st2));
    printf("lstat: is link %s, size %lld\n", S_ISLNK(st2.st_mode) ? "yes" : "no", (long long)st2.st_size);
    close(fd);

    /* --- getdents64 of DIR: names sorted, with d_type */
    int dfd = open(argv[1], O_RDONLY | O_DIRECTORY);
    res("open DIR O_DIRECTORY", dfd >= 0 ? 0 : -1);
    char *names[4096];
    int count = 0;
    char dbuf[1024];   /* small, so several calls are needed */
    long nb;
    int calls = 0;
    while ((nb = syscall(SYS_getdents64, dfd, dbuf, sizeof dbuf)) > 0) {
        calls++;
        for (long off = 0; off < nb;) {
            struct { unsigned long long ino; long long off; unsigned short reclen; unsigned char type; char name[]; }
                *d = (void *)(dbuf + off);
            char *line = malloc(300);
            snprintf(line, 300, "%s %s", d->name, type(d->type));
            if (count < 4096) names[count++] = line;
            off += d->reclen;
        }
    }
    res("getdents64 at the end", nb);
    printf("getdents64: %d entries, more than one call %s\n", count, calls > 1 ? "yes" : "no");
    qsort(names, count, sizeof names[0], cmp);
    for (int i = 0; i < count; i++) printf("  %s\n", names[i]);
    res("lseek dir to 0", lseek(dfd, 0, SEEK_SET));
    nb = syscall(SYS_getdents64, dfd, dbuf, sizeof dbuf);
    printf("getdents64 after rewind returns entries: %s\n", nb > 0 ? "yes" : "no");
    close(dfd);
    /* on a fresh descriptor: after a full getdents64 ext4 leaves the offset at a hash cookie
     * that makes read() fail with EINVAL before it gets to EISDIR */
    dfd = open(argv[1], O_RDONLY | O_DIRECTORY);
    res("read() on a directory", read(dfd, buf, 10));
    close(dfd);

    /* --- readlink */
    n = readlink(argv[2], buf, sizeof buf);
    printf("readlink SYMLINK = %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = readlink("/etc/os-release", buf, sizeof buf);
    printf("readlink /etc/os-release = %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = readlink("/etc/os-release", buf, 5);
    printf("readlink truncated to 5 = %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    res("readlink of a regular file", readlink("/etc/passwd", buf, sizeof buf));
    res("readlink of a missing file", readlink("/no/such/file", buf, sizeof buf));

    /* --- mistakes */
    res("open missing", open("/no/such/file", O_RDONLY));
    res("open dir for writing", open(argv[1], O_WRONLY));
    res("open file O_DIRECTORY", open("/etc/passwd", O_RDONLY | O_DIRECTORY));
    res("open through a file", open("/etc/passwd/x", O_RDONLY));
    res("read closed fd", read(fd, buf, 1));
    res("close closed fd", close(fd));
    res("getdents64 on a file", syscall(SYS_getdents64, open("/etc/passwd", O_RDONLY), dbuf, sizeof dbuf));
    printf("done\n");
    return 0;
}
