/* Memory family: mmap, munmap, mprotect, mremap, brk, madvise, mincore, msync, mlock, munlock,
 * each case with its Linux results and errnos. Addresses are never printed, only facts about
 * them. See case.h for the frame. */
#include "case.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char *anon(size_t pages) {
    char *p = mmap(NULL, pages * PG, RW, ANON, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); exit(3); }
    return p;
}

/* mmap's result: an errno, or "ok" for an address (never printed). */
static void showmap(const char *what, void *p) {
    if (p == MAP_FAILED) printf("%s = MAP_FAILED %s\n", what, strerrorname_np(errno));
    else printf("%s = ok\n", what);
}
#define M(call) (errno = 0, showmap(#call, (void *)(call)))

static void mmap_anon_rw(void) {
    char *p = anon(4);
    Y("zero filled", p[0] == 0 && p[4 * PG - 1] == 0);
    memset(p, 0x5a, 4 * PG);
    Y("written and read back", p[PG * 3 + 17] == 0x5a);
    T(munmap(p, 4 * PG));
}
static void mmap_einval(void) {
    int fd = open("/etc/passwd", O_RDONLY);
    M(mmap(NULL, 0, RW, ANON, -1, 0));
    M(mmap((void *)0x10001000UL + 1, PG, RW, ANON | MAP_FIXED, -1, 0));
    M(mmap(NULL, PG, RW, MAP_ANONYMOUS, -1, 0));
    M(mmap(NULL, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x800000, -1, 0));
    M(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 1));
}
static void mmap_ebadf_enomem(void) {
    M(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0));
    M(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0));
    M(mmap(NULL, (size_t)-PG, RW, ANON, -1, 0));
    M(mmap(NULL, 1UL << 47, RW, ANON, -1, 0));
}
static void mmap_eacces(void) {
    int fd = open("/etc/passwd", O_RDONLY);
    M(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    M(mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0));
    M(mmap(NULL, PG, RW, MAP_PRIVATE, fd, 0));
    int w = open("/dev/null", O_WRONLY);
    M(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, w, 0));
}
static void mmap_dir_and_devices(void) {
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    M(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, d, 0));
    int z = open("/dev/zero", O_RDWR);
    char *p = mmap(NULL, 2 * PG, RW, MAP_PRIVATE, z, 0);
    Y("/dev/zero private mapping", p != MAP_FAILED);
    if (p != MAP_FAILED) {
        Y("reads zeros", p[0] == 0 && p[2 * PG - 1] == 0);
        p[5] = 1;
        Y("writable", p[5] == 1);
    }
}
static void mmap_file_private(void) {
    int fd = open("/etc/passwd", O_RDONLY);
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    Y("mapped", p != MAP_FAILED);
    Y("same bytes as read()", n > 0 && memcmp(p, buf, n) == 0);
    char *q = mmap(NULL, PG, RW, MAP_PRIVATE, fd, 0);
    q[0] ^= 0xff;
    char c;
    T(pread(fd, &c, 1, 0));
    Y("a private write does not reach the file", c == buf[0]);
    Y("but the mapping sees it", (char)(q[0] ^ 0xff) == buf[0]);
}
static void mmap_fixed(void) {
    char *p = anon(3);
    memset(p, 7, 3 * PG);
    M(mmap(p + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0));
    char *q = mmap(p + PG, PG, RW, ANON | MAP_FIXED, -1, 0);
    Y("MAP_FIXED lands where asked", q == p + PG);
    Y("and replaces the old pages with zeros", p[PG] == 0 && p[0] == 7 && p[2 * PG] == 7);
    T(munmap(p, 3 * PG));
    q = mmap(p, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    Y("MAP_FIXED_NOREPLACE over a hole lands where asked", q == p);
}
static void mmap_hint(void) {
    char *p = anon(1);
    T(munmap(p, PG));
    char *q = mmap(p, PG, RW, ANON, -1, 0);
    Y("a free hint is used", q == p);
    char *r = mmap(p, PG, RW, ANON, -1, 0);
    Y("a taken hint is not", r != p && r != MAP_FAILED);
}
static void mmap_prot_none_fault(void) {
    char *p = mmap(NULL, PG, PROT_NONE, ANON, -1, 0);
    printf("reading a PROT_NONE page\n");
    fflush(stdout);
    volatile char c = p[10];
    (void)c;
    printf("not reached\n");
}
static void mmap_past_eof_sigbus(void) {
    int fd = open("/etc/hostname", O_RDONLY);
    char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    Y("mapped", p != MAP_FAILED);
    volatile char c = p[PG - 1];
    printf("the rest of the last page reads 0: %s\n", c == 0 ? "yes" : "no");
    fflush(stdout);
    c = p[PG + 1];
    printf("not reached\n");
}
static void munmap_cases(void) {
    char *p = anon(4);
    T(munmap(p + 1, PG));
    T(munmap(p, 0));
    T(munmap(p + PG, PG));
    T(munmap(p + PG, PG));
    unsigned char v[4];
    T(mincore(p, 4 * PG, v));
    T(mincore(p, PG, v));
    T(munmap(p, 4 * PG));
    T(munmap((void *)-PG, 2 * PG));
    T(munmap(NULL, PG));
}
static void mprotect_cases(void) {
    char *p = anon(4);
    T(mprotect(p, PG, PROT_READ));
    T(mprotect(p + 1, PG, PROT_READ));
    T(mprotect(p, PG, 0x80));
    T(mprotect(p, 0, PROT_READ));
    T(munmap(p + 2 * PG, PG));
    T(mprotect(p, 4 * PG, PROT_READ));
    T(mprotect(p + 2 * PG, PG, PROT_READ));
    T(mprotect(p + PG, PG, PROT_READ | PROT_EXEC));
    p[3 * PG] = 1;
    Y("the last page stayed writable", p[3 * PG] == 1);
    int fd = open("/etc/passwd", O_RDONLY);
    char *q = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    T(mprotect(q, PG, PROT_READ | PROT_WRITE));
    q[0] = 'X';
    Y("private file page written after mprotect", q[0] == 'X');
}
static void mprotect_shared_readonly_file(void) {
    int fd = open("/etc/passwd", O_RDONLY);
    char *s = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
    T(mprotect(s, PG, PROT_READ | PROT_WRITE));
}
static void mprotect_then_write_faults(void) {
    char *p = anon(1);
    p[0] = 1;
    T(mprotect(p, PG, PROT_READ));
    printf("read still works: %d\n", p[0]);
    fflush(stdout);
    p[0] = 2;
    printf("not reached\n");
}
static void mremap_cases(void) {
    char *p = anon(2);
    memset(p, 3, 2 * PG);
    char *q = mremap(p, 2 * PG, 8 * PG, MREMAP_MAYMOVE);
    Y("grown", q != MAP_FAILED);
    Y("content kept", q[0] == 3 && q[2 * PG - 1] == 3);
    Y("new part zero", q[2 * PG] == 0 && q[8 * PG - 1] == 0);
    char *r = mremap(q, 8 * PG, PG, 0);
    Y("shrunk in place", r == q);
    M(mremap(q + 1, PG, 2 * PG, MREMAP_MAYMOVE));
    M(mremap(q, PG, 2 * PG, 0x80));
    M(mremap(q, PG, 2 * PG, MREMAP_FIXED));
    M(mremap(q, PG, 0, MREMAP_MAYMOVE));
    M(mremap((void *)0x1000, PG, 2 * PG, MREMAP_MAYMOVE));
    M(mremap(q, 0, PG, MREMAP_MAYMOVE));
    char *blocker = anon(2);
    T(munmap(blocker + PG, PG));
    M(mremap(blocker, PG, 3 * PG, 0));
    char *dst = anon(4);
    char *f = mremap(q, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + PG);
    Y("MREMAP_FIXED lands where asked", f == dst + PG);
    Y("and moves the content", f[0] == 3);
    M(mremap(dst, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst));
}
static void brk_cases(void) {
    char *cur = (char *)syscall(SYS_brk, 0);
    char *grown = (char *)syscall(SYS_brk, cur + 64 * PG);
    Y("brk grows", grown == cur + 64 * PG);
    memset(cur, 9, 64 * PG);
    Y("new break memory usable", cur[64 * PG - 1] == 9);
    char *shrunk = (char *)syscall(SYS_brk, cur + PG);
    Y("brk shrinks", shrunk == cur + PG);
    char *back = (char *)syscall(SYS_brk, cur + 8 * PG);
    Y("regrown memory reads zero above the old break", back == cur + 8 * PG && cur[2 * PG] == 0);
    char *low = (char *)syscall(SYS_brk, 0x1000);
    Y("brk below the start is refused (break unchanged)", low == cur + 8 * PG);
    char *huge = (char *)syscall(SYS_brk, cur + (1UL << 46));
    Y("brk into the far heights is refused", huge == cur + 8 * PG);
    char *m = mmap(cur + 32 * PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    Y("a mapping above the break", m == cur + 32 * PG);
    char *over = (char *)syscall(SYS_brk, cur + 64 * PG);
    Y("brk over a mapping is refused", over == cur + 8 * PG);
}
static void madvise_cases(void) {
    char *p = anon(4);
    memset(p, 1, 4 * PG);
    T(madvise(p, 4 * PG, MADV_DONTNEED));
    Y("MADV_DONTNEED zeroes private anonymous pages", p[0] == 0 && p[3 * PG] == 0);
    T(madvise(p, 4 * PG, MADV_NORMAL));
    T(madvise(p, 4 * PG, MADV_SEQUENTIAL));
    T(madvise(p, 4 * PG, MADV_RANDOM));
    T(madvise(p, 4 * PG, MADV_WILLNEED));
    T(madvise(p, 4 * PG, MADV_FREE));
    T(madvise(p, 4 * PG, 12345));
    T(madvise(p + 1, PG, MADV_NORMAL));
    T(madvise(p, 0, MADV_NORMAL));
    T(munmap(p + PG, PG));
    T(madvise(p, 4 * PG, MADV_NORMAL));
    T(madvise(p, 4 * PG, MADV_DONTNEED));
}
static void madvise_dontneed_private_file(void) {
    int fd = open("/etc/passwd", O_RDONLY);
    char *q = mmap(NULL, PG, RW, MAP_PRIVATE, fd, 0);
    char first = q[0];
    q[0] = 0;
    T(madvise(q, PG, MADV_DONTNEED));
    Y("a private file page comes back from the file", q[0] == first);
}
static void mincore_cases(void) {
    char *p = anon(4);
    unsigned char v[4] = {9, 9, 9, 9};
    p[0] = 1;
    p[2 * PG] = 1;
    T(mincore(p, 4 * PG, v));
    printf("touched pages resident: %d %d\n", v[0] & 1, v[2] & 1);
    T(mincore(p + 1, PG, v));
    T(mincore(p, PG, NULL));
    T(mincore(p, PG, WILD));
    T(mincore(p, 0, v));
    T(munmap(p + 3 * PG, PG));
    T(mincore(p, 4 * PG, v));
}
static void msync_cases(void) {
    char *p = anon(2);
    T(msync(p, 2 * PG, MS_SYNC));
    T(msync(p, 2 * PG, MS_ASYNC));
    T(msync(p, 2 * PG, MS_INVALIDATE));
    T(msync(p, 2 * PG, MS_SYNC | MS_ASYNC));
    T(msync(p, 2 * PG, 0x100));
    T(msync(p + 1, PG, MS_SYNC));
    T(msync(p, 0, MS_SYNC));
    T(munmap(p + PG, PG));
    T(msync(p, 2 * PG, MS_SYNC));
}
static void mlock_cases(void) {
    char *p = anon(2);
    T(mlock(p, 2 * PG));
    T(munlock(p, 2 * PG));
    T(mlock(p + 1, PG));
    T(mlock(p, 0));
    T(munmap(p + PG, PG));
    T(mlock(p, 2 * PG));
    T(munlock(p, 2 * PG));
    T(syscall(SYS_mlock, (void *)-PG, 2 * PG));
}
static void many_mappings(void) {
    /* 2000 small mappings with holes between them, then all unmapped: the VMA bookkeeping */
    static char *m[2000];
    long sum = 0;
    for (int i = 0; i < 2000; i++) {
        m[i] = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
        m[i][0] = (char)i;
        munmap(m[i] + PG, PG);
    }
    for (int i = 0; i < 2000; i++) {
        sum += (unsigned char)m[i][0];
        long r = munmap(m[i], PG);
        if (i % 500 == 0) T(r);
    }
    printf("sum %ld\n", sum);
}

static void mmap_shared_anon(void) {
    char *p = mmap(NULL, 3 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    Y("mapped", p != MAP_FAILED);
    memset(p, 0x11, 3 * PG);
    Y("written and read back", p[2 * PG + 5] == 0x11);
    char *q = mremap(p, 3 * PG, 6 * PG, MREMAP_MAYMOVE);
    /* past the old size is past the end of the shared object: not touched (SIGBUS) */
    Y("grown, content kept", q != MAP_FAILED && q[0] == 0x11);
    T(madvise(q, 6 * PG, MADV_DONTNEED));
    Y("shared pages survive MADV_DONTNEED", q[0] == 0x11);
    T(munmap(q, 6 * PG));
}
static void mmap_exec_code(void) {
    /* mov eax, 42; ret -- written, then made executable and called */
    static const unsigned char code[] = {0xb8, 42, 0, 0, 0, 0xc3};
    unsigned char *p = mmap(NULL, PG, RW, ANON, -1, 0);
    memcpy(p, code, sizeof code);
    T(mprotect(p, PG, PROT_READ | PROT_EXEC));
    int (*f)(void) = (int (*)(void))p;
    printf("the mapped code returns %d\n", f());
}
static void mremap_grow_in_place(void) {
    char *p = anon(4);
    T(munmap(p + 2 * PG, 2 * PG));
    char *q = mremap(p, 2 * PG, 4 * PG, 0);
    Y("grown in place into the hole", q == p);
    q = mremap(p, 4 * PG, 2 * PG, 0);
    Y("shrunk in place", q == p);
    T(munmap(p, 2 * PG));
}
/* One NUMA node, the default policy; protection keys' argument checks. */
static void numa_and_pkeys(void) {
    int mode = -1;
    unsigned long mask[2] = {~0UL, ~0UL};
    T(syscall(SYS_get_mempolicy, &mode, mask, 128UL, NULL, 0UL));
    printf("mode %d mask %lx %lx\n", mode, mask[0], mask[1]);
    mask[0] = mask[1] = ~0UL;
    T(syscall(SYS_get_mempolicy, &mode, mask, 65UL, NULL, 4UL));
    printf("allowed %lx %lx\n", mask[0], mask[1]);
    T(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, &mode, 3UL));
    printf("node of a stack page %d\n", mode);
    T(syscall(SYS_get_mempolicy, &mode, mask, 0UL, NULL, 0UL));
    T(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 8UL));
    T(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, &mode, 0UL));
    T(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 1UL));
    T(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, WILD, 2UL));
    T(syscall(SYS_get_mempolicy, &mode, mask, 40000UL, NULL, 0UL));
    T(syscall(SYS_get_mempolicy, WILD, NULL, 0UL, NULL, 0UL));
    T(syscall(SYS_pkey_alloc, 1UL, 0UL)); /* (valid arguments succeed on a CPU with pkeys) */
    T(syscall(SYS_pkey_alloc, 0UL, 4UL));
    T(syscall(SYS_pkey_free, 1));
    void *p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T(syscall(SYS_pkey_mprotect, p, PG, PROT_READ | PROT_WRITE, -1));
    T(syscall(SYS_pkey_mprotect, p, PG, PROT_READ, 1));
}

static void set_mempolicy_cases(void) {
    /* One node here and on the machine the cases are checked on: each policy kept and read back. */
    int mode = -1;
    unsigned long m = 1, m2 = 2, m3 = 3, zero = 0, got;
    struct { int mode; unsigned long *mask; unsigned long maxnode; } c[] = {
        {0, NULL, 0}, {0, &m, 2}, {0, &zero, 64}, {2, &m, 2}, {2, &m2, 3}, {2, &m3, 3}, {2, NULL, 0}, {3, &m, 65},
        {1, NULL, 0}, {1, &m, 2}, {4, NULL, 0}, {4, &m, 2}, {5, &m, 2}, {6, &m, 2}, {7, &m, 2}, {-1, NULL, 0},
        {2 | 1 << 15, &m3, 3}, {2 | 1 << 14, &m2, 3}, {2 | 3 << 14, &m, 2}, {1 | 1 << 15, NULL, 0}, {2 | 1 << 13, &m, 2},
        {3 | 1 << 13, &m, 2}, {2, WILD, 64}, {2, &m, 40000}, {2, &m, 1}};
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        errno = 0;
        long r = syscall(SYS_set_mempolicy, c[i].mode, c[i].mask, c[i].maxnode);
        int e = errno;
        got = ~0UL;
        mode = -1;
        syscall(SYS_get_mempolicy, &mode, &got, 65UL, NULL, 0UL);
        printf("set %#x mask %lx maxnode %lu = %ld %s; now mode %#x nodes %lx\n", c[i].mode,
               c[i].mask && c[i].mask != WILD ? *c[i].mask : 0UL, c[i].maxnode, r, r ? strerrorname_np(e) : "", mode, got);
    }
    T(syscall(SYS_set_mempolicy, 3, &m, 2UL));
    T(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 1UL)); /* next interleave node */
    printf("next node %d\n", mode);
    T(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, &mode, 2UL)); /* a mapping's own policy: default */
    printf("mapping's mode %d\n", mode);
    fflush(stdout); /* else the child prints what the parent buffered too */
    pid_t child = fork();
    if (child == 0) {
        syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 0UL);
        printf("child mode %d\n", mode);
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    T(syscall(SYS_set_mempolicy, 0, NULL, 0UL));
}

MAIN(K(mmap_anon_rw), K(mmap_einval), K(mmap_ebadf_enomem), K(mmap_eacces), K(mmap_dir_and_devices), K(mmap_file_private), K(mmap_fixed),
     K(mmap_hint), K(mmap_prot_none_fault), K(mmap_past_eof_sigbus), K(munmap_cases), K(mprotect_cases),
     K(mprotect_shared_readonly_file), K(mprotect_then_write_faults), K(mremap_cases), K(brk_cases), K(madvise_cases), K(madvise_dontneed_private_file), K(mincore_cases),
     K(msync_cases), K(mlock_cases), K(many_mappings), K(mmap_shared_anon), K(mmap_exec_code), K(mremap_grow_in_place), K(numa_and_pkeys), K(set_mempolicy_cases))
