/* Files and directories, reading: open/openat/creat flags on the read-only root, read, pread64,
 * readv, preadv, preadv2, lseek (SEEK_DATA/SEEK_HOLE too), getdents64, readlink, readlinkat,
 * getcwd, chdir, fchdir, fadvise64; each with its errors. See case.h for the frame. */
#include "case.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>

static char buf[8192];

static int ro(const char *path) { return open(path, O_RDONLY); }

static void open_flags(void) {
    T(open("/etc/passwd", O_RDONLY) >= 0);
    T(open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME | O_LARGEFILE) >= 0);
    T(open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_SYNC | O_DSYNC) >= 0);
    T(open("/etc", O_RDONLY | O_DIRECTORY) >= 0);
    T(open("/etc/passwd", O_PATH) >= 0);
    T(open("/etc", O_PATH | O_DIRECTORY) >= 0);
    T(open("/etc/passwd", O_RDONLY | 0x40000000) >= 0);
}
static void open_lowest_fd(void) {
    T(open("/etc/passwd", O_RDONLY));
    T(open("/etc/passwd", O_RDONLY));
    T(close(3));
    T(open("/etc/group", O_RDONLY));
    T(open("/etc/group", O_RDONLY));
}
static void open_enoent_enotdir(void) {
    T(open("/no/such/file", O_RDONLY));
    T(open("/etc/passwd/x", O_RDONLY));
    T(open("/etc/passwd", O_RDONLY | O_DIRECTORY));
    T(open("", O_RDONLY));
    T(open("/etc/passwd/", O_RDONLY));
    T(open("/etc/", O_RDONLY) >= 0);
}
static void open_efault(void) {
    T(syscall(SYS_open, NULL, O_RDONLY));
    T(syscall(SYS_open, WILD, O_RDONLY));
    T(syscall(SYS_openat, AT_FDCWD, ONE, O_RDONLY));
}
static void open_enametoolong(void) {
    static char p[PATH_MAX + 10];
    memset(p, 'a', sizeof p - 1);
    p[0] = '/';
    T(open(p, O_RDONLY));
    static char comp[300];
    memset(comp, 'b', 299);
    comp[0] = '/';
    T(open(comp, O_RDONLY));
}
static void open_eisdir_erofs(void) {
    T(open("/etc", O_WRONLY));
    T(open("/etc", O_RDWR));
    T(open("/etc", O_RDONLY | O_CREAT, 0644));
    T(open("/etc", O_RDONLY | O_TRUNC));
    T(open("/etc/passwd", O_RDONLY | O_CREAT | O_EXCL, 0644));
    T(open("/etc", O_WRONLY | O_DIRECTORY));
    T(open("/no/such/dir/file", O_WRONLY | O_CREAT, 0644));
}
static void open_o_nofollow(void) {
    T(open("/etc/os-release", O_RDONLY | O_NOFOLLOW));
    T(open("/etc/os-release", O_RDONLY | O_NOFOLLOW | O_PATH) >= 0);
    T(open("/etc/os-release", O_RDONLY) >= 0);
}
static void openat_dirfd(void) {
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    T(openat(d, "passwd", O_RDONLY) >= 0);
    T(openat(d, "no-such", O_RDONLY));
    T(openat(d, "/etc/group", O_RDONLY) >= 0);
    int f = ro("/etc/passwd");
    T(openat(f, "x", O_RDONLY));
    T(openat(-1, "x", O_RDONLY));
    T(openat(-1, "/etc/group", O_RDONLY) >= 0);
    T(openat(999, "x", O_RDONLY));
    T(openat(AT_FDCWD, "etc/passwd", O_RDONLY) >= 0);
    int p = open("/etc", O_PATH);
    T(openat(p, "passwd", O_RDONLY) >= 0);
}
static void open_dotdot(void) {
    T(open("/..", O_RDONLY | O_DIRECTORY) >= 0);
    T(open("/etc/../etc/./passwd", O_RDONLY) >= 0);
    T(open("/etc/passwd/..", O_RDONLY));
    T(open("//etc//passwd", O_RDONLY) >= 0);
}
static void creat_on_readonly_root(void) {
    T(creat("/no/such/dir/x", 0644));
    T(creat("/etc", 0644));
    T(syscall(SYS_creat, NULL, 0644));
}
static void read_chunks(void) {
    int fd = ro("/etc/passwd");
    size_t total = 0;
    ssize_t n;
    int reads = 0;
    while ((n = read(fd, buf, 13)) > 0) { total += n; reads++; }
    struct stat st;
    fstat(fd, &st);
    Y("13-byte reads add up to the size", total == (size_t)st.st_size && reads == (int)((st.st_size + 12) / 13));
    T(read(fd, buf, 10));
    T(read(fd, buf, 0));
}
static void read_errors(void) {
    int fd = ro("/etc/passwd");
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    int w = open("/dev/null", O_WRONLY);
    int p = open("/etc/passwd", O_PATH);
    T(read(-1, buf, 1));
    T(read(999, buf, 1));
    T(read(w, buf, 1));
    T(read(p, buf, 1));
    T(read(d, buf, 1));
    T(syscall(SYS_read, fd, NULL, 5));
    T(syscall(SYS_read, fd, WILD, 5));
    T(syscall(SYS_read, fd, NULL, 0));
}
static void read_dev_files(void) {
    int z = ro("/dev/zero");
    memset(buf, 1, 100);
    T(read(z, buf, 100));
    Y("zeros", buf[0] == 0 && buf[99] == 0);
    int n = ro("/dev/null");
    T(read(n, buf, 100));
    int u = ro("/dev/urandom");
    T(read(u, buf, 4096));
    int f = open("/dev/full", O_RDWR);
    T(read(f, buf, 10));
    T(write(f, buf, 10));
    T(write(n, buf, 10));
}
static void pread_cases(void) {
    int fd = ro("/etc/passwd");
    char a[16], b[16];
    T(pread(fd, a, 10, 5));
    lseek(fd, 5, SEEK_SET);
    T(read(fd, b, 10));
    Y("pread at 5 = read after seeking to 5", memcmp(a, b, 10) == 0);
    T(lseek(fd, 0, SEEK_CUR));
    T(pread(fd, a, 10, 1L << 40));
    T(syscall(SYS_pread64, fd, a, 10, -1L));
    T(pread(ro("/dev/zero"), a, 10, 1000));
    int d = open("/etc", O_RDONLY);
    T(pread(d, a, 10, 0));
    T(syscall(SYS_pread64, fd, NULL, 10, 0L));
}
static void readv_cases(void) {
    int fd = ro("/etc/passwd");
    char a[3], b[7], c[100];
    struct iovec iov[3] = {{a, 3}, {NULL, 0}, {b, 7}};
    T(readv(fd, iov, 3));
    char whole[10];
    T(pread(fd, whole, 10, 0));
    Y("scattered in order", memcmp(whole, a, 3) == 0 && memcmp(whole + 3, b, 7) == 0);
    T(readv(fd, iov, 0));
    T(syscall(SYS_readv, fd, iov, -1L));
    T(syscall(SYS_readv, fd, iov, 1025L));
    struct iovec bad[2] = {{c, 10}, {WILD, 10}};
    T(readv(fd, bad, 2));
    struct iovec neg[1] = {{c, (size_t)-1}};
    T(readv(fd, neg, 1));
    T(syscall(SYS_readv, fd, NULL, 1L));
    T(readv(-1, iov, 1));
}
static void preadv_cases(void) {
    int fd = ro("/etc/passwd");
    char a[4], b[4];
    struct iovec iov[2] = {{a, 4}, {b, 4}};
    T(preadv(fd, iov, 2, 2));
    char whole[8];
    T(pread(fd, whole, 8, 2));
    Y("same bytes as pread", memcmp(whole, a, 4) == 0 && memcmp(whole + 4, b, 4) == 0);
    T(lseek(fd, 0, SEEK_CUR));
    T(syscall(SYS_preadv, fd, iov, 2L, -5L, 0L));
    T(syscall(SYS_preadv, fd, iov, 2L, 1L << 40, 0L));
}
static void preadv2_flags(void) {
    int fd = ro("/etc/passwd");
    char a[8];
    struct iovec iov[1] = {{a, 8}};
    T(syscall(SYS_preadv2, fd, iov, 1L, 0L, 0L, 0L));
    T(syscall(SYS_preadv2, fd, iov, 1L, 0L, 0L, (long)RWF_HIPRI));
    T(syscall(SYS_preadv2, fd, iov, 1L, -1L, 0L, 0L));
    T(lseek(fd, 0, SEEK_CUR));
    T(syscall(SYS_preadv2, fd, iov, 1L, 0L, 0L, (long)RWF_NOWAIT));
    T(syscall(SYS_preadv2, fd, iov, 1L, 0L, 0L, 0x1000L));
    T(syscall(SYS_preadv2, fd, iov, 1L, 0L, 0L, (long)RWF_APPEND));
}
static void lseek_whence(void) {
    int fd = ro("/etc/passwd");
    struct stat st;
    fstat(fd, &st);
    T(lseek(fd, 10, SEEK_SET));
    T(lseek(fd, 5, SEEK_CUR));
    T(lseek(fd, -1, SEEK_CUR) == 14);
    Y("SEEK_END lands at the size", lseek(fd, 0, SEEK_END) == st.st_size);
    Y("past the end is allowed", lseek(fd, 1000, SEEK_END) == st.st_size + 1000);
    T(read(fd, buf, 10));
    T(lseek(fd, -1, SEEK_SET));
    T(lseek(fd, 0, 7));
    T(lseek(fd, 0x7fffffffffffffffL, SEEK_SET));
    T(lseek(fd, 1, SEEK_CUR));
    T(lseek(-1, 0, SEEK_SET));
}
static void lseek_data_hole(void) {
    int fd = ro("/etc/passwd");
    struct stat st;
    fstat(fd, &st);
    T(lseek(fd, 0, SEEK_DATA));
    Y("the only hole is at the end", lseek(fd, 0, SEEK_HOLE) == st.st_size);
    T(lseek(fd, 5, SEEK_DATA));
    T(lseek(fd, st.st_size, SEEK_DATA));
    T(lseek(fd, st.st_size, SEEK_HOLE));
    T(lseek(fd, -1, SEEK_DATA));
}
static void lseek_special_files(void) {
    T(lseek(ro("/dev/null"), 100, SEEK_SET));
    T(lseek(ro("/dev/zero"), 100, SEEK_SET));
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    T(lseek(d, 0, SEEK_SET));
    T(lseek(d, 0, SEEK_END));
    T(lseek(open("/etc/passwd", O_PATH), 0, SEEK_SET));
}

struct d64 { unsigned long long ino; long long off; unsigned short reclen; unsigned char type; char name[]; };
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static const char *dtype(unsigned char t) {
    switch (t) {
    case DT_REG: return "reg"; case DT_DIR: return "dir"; case DT_LNK: return "lnk";
    case DT_CHR: return "chr"; case DT_UNKNOWN: return "unknown"; default: return "other";
    }
}
static void list_dir(const char *path, size_t bufsize) {
    int d = open(path, O_RDONLY | O_DIRECTORY);
    static char *names[8192];
    static char dbuf[65536];
    int n = 0, calls = 0;
    long nb;
    while ((nb = syscall(SYS_getdents64, d, dbuf, bufsize)) > 0) {
        calls++;
        for (long off = 0; off < nb;) {
            struct d64 *e = (void *)(dbuf + off);
            char *line = malloc(320);
            snprintf(line, 320, "%s %s", e->name, dtype(e->type));
            if (n < 8192) names[n++] = line;
            off += e->reclen;
        }
    }
    T(nb);
    printf("%d entries\n", n);
    qsort(names, n, sizeof names[0], cmp);
    for (int i = 0; i < n; i++) printf("  %s\n", names[i]);
}
static void getdents64_big_dir(void) { list_dir("/usr/include/linux", sizeof buf); }
static void getdents64_small_buffer(void) { list_dir("/usr/share/common-licenses", 200); }
static void getdents64_tree(void) { list_dir("/usr/share/doc/busybox-static", 100); }
static void getdents64_errors(void) {
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    char small[16];
    T(syscall(SYS_getdents64, d, small, sizeof small));
    T(syscall(SYS_getdents64, d, NULL, 4096L));
    T(syscall(SYS_getdents64, d, WILD, 4096L));
    T(syscall(SYS_getdents64, ro("/etc/passwd"), buf, 4096L));
    T(syscall(SYS_getdents64, -1, buf, 4096L));
    T(syscall(SYS_getdents64, open("/etc", O_PATH), buf, 4096L));
    T(syscall(SYS_getdents64, d, buf, 0L));
}
static void getdents64_rewind(void) {
    int d = open("/usr/share/common-licenses", O_RDONLY | O_DIRECTORY);
    long a = syscall(SYS_getdents64, d, buf, sizeof buf);
    while (syscall(SYS_getdents64, d, buf, sizeof buf) > 0) {}
    T(syscall(SYS_getdents64, d, buf, sizeof buf));
    T(lseek(d, 0, SEEK_SET));
    Y("after a rewind the same first batch", syscall(SYS_getdents64, d, buf, sizeof buf) == a);
}
static void readlink_cases(void) {
    ssize_t n = readlink("/etc/os-release", buf, sizeof buf);
    printf("readlink /etc/os-release = %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = readlink("/etc/os-release", buf, 4);
    printf("truncated to 4 = %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    T(readlink("/etc/passwd", buf, sizeof buf));
    T(readlink("/no/such", buf, sizeof buf));
    T(readlink("/etc/os-release", buf, 0));
    T(syscall(SYS_readlink, "/etc/os-release", buf, -1L));
    T(syscall(SYS_readlink, "/etc/os-release", NULL, 10L));
    T(syscall(SYS_readlink, NULL, buf, 10L));
    T(readlink("", buf, 10));
    T(readlink("/etc/passwd/x", buf, 10));
}
static void readlinkat_cases(void) {
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    ssize_t n = readlinkat(d, "os-release", buf, sizeof buf);
    printf("readlinkat(/etc, os-release) = %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    T(readlinkat(ro("/etc/passwd"), "x", buf, 10));
    T(readlinkat(-1, "x", buf, 10));
    int p = open("/etc/os-release", O_PATH | O_NOFOLLOW);
    n = readlinkat(p, "", buf, sizeof buf);
    printf("readlinkat(O_PATH link, \"\") = %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    T(readlinkat(d, "", buf, 10));
}
static void getcwd_chdir(void) {
    char c[PATH_MAX];
    printf("getcwd: %s\n", getcwd(c, sizeof c));
    T(chdir("/usr/share"));
    printf("getcwd: %s\n", getcwd(c, sizeof c));
    T(open("common-licenses/GPL-3", O_RDONLY) >= 0);
    T(chdir(".."));
    printf("getcwd: %s\n", getcwd(c, sizeof c));
    T(chdir("/etc/passwd"));
    T(chdir("/no/such"));
    T(syscall(SYS_chdir, NULL));
    T(chdir(""));
    T(syscall(SYS_getcwd, c, 1L));
    T(syscall(SYS_getcwd, c, 5L));
    T(syscall(SYS_getcwd, c, 0L));
    T(syscall(SYS_getcwd, NULL, 100L));
    T(syscall(SYS_getcwd, c, 100L));
    T(chdir("/"));
    T(syscall(SYS_getcwd, c, 2L));
}
static void fchdir_cases(void) {
    char c[PATH_MAX];
    T(fchdir(open("/usr/bin", O_RDONLY | O_DIRECTORY)));
    printf("getcwd: %s\n", getcwd(c, sizeof c));
    T(fchdir(open("/etc", O_PATH)));
    printf("getcwd: %s\n", getcwd(c, sizeof c));
    T(fchdir(ro("/etc/passwd")));
    T(fchdir(-1));
    T(fchdir(999));
}
static void fadvise_cases(void) {
    int fd = ro("/etc/passwd");
    T(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL));
    T(posix_fadvise(fd, 0, 100, POSIX_FADV_SEQUENTIAL));
    T(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
    T(syscall(SYS_fadvise64, fd, 0L, 0L, 99L));
    T(syscall(SYS_fadvise64, fd, 0L, -1L, 0L));
    T(syscall(SYS_fadvise64, -1, 0L, 0L, 0L));
    T(syscall(SYS_fadvise64, open("/etc", O_RDONLY), 0L, 0L, 0L));
    T(syscall(SYS_fadvise64, open("/etc/passwd", O_PATH), 0L, 0L, 0L));
}

static unsigned long fnv(const unsigned char *p, size_t n, unsigned long h) {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211UL;
    return h;
}
static void read_big_file_chunks(void) {
    /* /bin/busybox read whole in chunk sizes that straddle pages, checksummed each time */
    static unsigned char b[1 << 16];
    size_t sizes[] = {1, 4095, 4097, 65536};
    int fd = ro("/bin/busybox");
    for (unsigned i = 0; i < 4; i++) {
        lseek(fd, i == 0 ? 1900000 : 0, SEEK_SET);
        unsigned long h = 14695981039346656037UL;
        size_t total = 0;
        ssize_t n;
        while ((n = read(fd, b, sizes[i])) > 0) { h = fnv(b, n, h); total += n; }
        printf("chunk %zu: %zu bytes, fnv %016lx\n", sizes[i], total, h);
    }
}
static void pread_scattered(void) {
    int fd = ro("/bin/busybox");
    unsigned long h = 14695981039346656037UL;
    unsigned char b[333];
    unsigned long x = 12345;
    for (int i = 0; i < 500; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        long off = (x >> 33) % 2000000;
        ssize_t n = pread(fd, b, sizeof b, off);
        if (n > 0) h = fnv(b, n, h);
    }
    printf("500 preads: fnv %016lx\n", h);
    T(lseek(fd, 0, SEEK_CUR));
}
static void readv_many_segments(void) {
    static struct iovec v[1024];
    static unsigned char b[1024][7];
    for (int i = 0; i < 1024; i++) v[i] = (struct iovec){b[i], 7};
    int fd = ro("/bin/busybox");
    T(readv(fd, v, 1024));
    unsigned long h = 14695981039346656037UL;
    for (int i = 0; i < 1024; i++) h = fnv(b[i], 7, h);
    printf("fnv %016lx\n", h);
    T(preadv(fd, v, 1024, 1000000));
}
static void getdents64_offsets(void) {
    /* d_off of each record is where lseek can come back to */
    int d = open("/usr/share/common-licenses", O_RDONLY | O_DIRECTORY);
    static char b[4096];
    long nb = syscall(SYS_getdents64, d, b, sizeof b);
    struct d64 *first = (void *)b;
    struct d64 *second = (void *)(b + first->reclen);
    char name[256];
    snprintf(name, sizeof name, "%s", second->name);
    long off = first->off;
    while (syscall(SYS_getdents64, d, b, sizeof b) > 0) {}
    T(lseek(d, off, SEEK_SET) == off);
    nb = syscall(SYS_getdents64, d, b, sizeof b);
    Y("after seeking to the first record's d_off, the second comes next",
      nb > 0 && strcmp(((struct d64 *)b)->name, name) == 0);
}
static void getdents64_usr_bin(void) { list_dir("/usr/bin", 32768); }
static void open_many_files(void) {
    int opened = 0, last = -1;
    for (int i = 0; i < 300; i++) {
        int fd = open(i % 2 ? "/etc/passwd" : "/usr/share/common-licenses/GPL-3", O_RDONLY);
        if (fd >= 0) { opened++; last = fd; }
    }
    printf("opened %d, last fd %d\n", opened, last);
    T(close(150));
    T(open("/etc/group", O_RDONLY));
}
static void read_dev_zero_big(void) {
    static unsigned char b[1 << 20];
    memset(b, 1, sizeof b);
    int z = ro("/dev/zero");
    T(read(z, b, sizeof b));
    int nonzero = 0;
    for (size_t i = 0; i < sizeof b; i++) nonzero += b[i] != 0;
    printf("nonzero bytes %d\n", nonzero);
    T(pread(z, b, 100, 1L << 40));
}
MAIN(K(open_flags), K(open_lowest_fd), K(open_enoent_enotdir), K(open_efault), K(open_enametoolong),
     K(open_eisdir_erofs), K(open_o_nofollow), K(openat_dirfd), K(open_dotdot), K(creat_on_readonly_root),
     K(read_chunks), K(read_errors), K(read_dev_files), K(pread_cases), K(readv_cases), K(preadv_cases),
     K(preadv2_flags), K(lseek_whence), K(lseek_data_hole), K(lseek_special_files), K(getdents64_big_dir),
     K(getdents64_small_buffer), K(getdents64_tree), K(getdents64_errors), K(getdents64_rewind),
     K(readlink_cases), K(readlinkat_cases), K(getcwd_chdir), K(fchdir_cases), K(fadvise_cases), K(read_big_file_chunks), K(pread_scattered), K(readv_many_segments), K(getdents64_offsets), K(getdents64_usr_bin), K(open_many_files), K(read_dev_zero_big))
