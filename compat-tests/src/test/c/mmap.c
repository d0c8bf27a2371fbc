/* Memory-mapping patterns, each printing what it observed (never an absolute address):
 * mremap grow/shrink/move preserving contents, mprotect then read, munmap holes (probed with
 * mincore), MAP_FIXED replacing part of a mapping, MAP_FIXED_NOREPLACE and EEXIST, file
 * mappings, brk growth and shrink, and the EINVAL/ENOMEM answers for bad requests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG 4096UL
static char outbuf[1 << 16];

static const char *err(long r) {
    static char b[64];
    if (r != -1) { snprintf(b, sizeof b, "ok"); return b; }
    snprintf(b, sizeof b, "-1 %s", strerrorname_np(errno));
    return b;
}

/* One character per page: 'x' mapped, '.' not (mincore says ENOMEM). */
static void pages(const char *what, char *base, int n) {
    unsigned char v;
    printf("%-34s ", what);
    for (int i = 0; i < n; i++) putchar(mincore(base + i * PG, PG, &v) == 0 ? 'x' : '.');
    putchar('\n');
}

static unsigned long sum(const unsigned char *p, size_t n) {
    unsigned long s = 0;
    for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
    return s;
}

/* A region of 2n pages reserved then released, so that tests can map at known-free spots. */
static char *hole(int n) {
    char *p = mmap(NULL, n * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, n * PG);
    return p;
}

int main(void) {
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    /* --- mremap grow keeps contents, new tail is zero */
    char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < 16 * PG; i++) a[i] = (char)(i * 7 + 3);
    unsigned long s16 = sum((unsigned char *)a, 16 * PG);
    char *b = mremap(a, 16 * PG, 256 * PG, MREMAP_MAYMOVE);
    int zero = 1;
    for (size_t i = 16 * PG; i < 256 * PG; i++) if (b[i]) { zero = 0; break; }
    printf("mremap grow 16->256 pages: %s, contents %s, tail zero %s\n", b == MAP_FAILED ? "failed" : "ok",
           sum((unsigned char *)b, 16 * PG) == s16 ? "kept" : "LOST", zero ? "yes" : "no");
    /* shrink in place keeps the address */
    char *c = mremap(b, 256 * PG, 8 * PG, 0);
    printf("mremap shrink 256->8 pages: same address %s, contents %s\n", c == b ? "yes" : "no",
           c[5] == (char)(5 * 7 + 3) && c[8 * PG - 1] == (char)((8 * PG - 1) * 7 + 3) ? "kept" : "LOST");
    pages("after shrink (b..b+12)", b, 12);
    /* grow without MAYMOVE when the next page is taken: ENOMEM */
    char *blocker = mmap(b + 8 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("blocker at b+8: %s\n", blocker == b + 8 * PG ? "ok" : "failed");
    void *r = mremap(b, 8 * PG, 16 * PG, 0);
    printf("mremap grow in place into a mapped page: %s\n", r == MAP_FAILED ? err(-1) : "ok (wrong)");
    /* move to a fixed address */
    char *dst = hole(32);
    r = mremap(b, 8 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    printf("mremap MREMAP_FIXED: at target %s, contents %s\n", r == dst ? "yes" : "no",
           r != MAP_FAILED && dst[5] == (char)(5 * 7 + 3) ? "kept" : "LOST");
    pages("old place after move (b..b+9)", b, 9);
    munmap(dst, 8 * PG);
    munmap(blocker, PG);

    /* --- mprotect: write, make read-only, read back */
    char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 'm', 4 * PG);
    printf("mprotect PROT_READ: %s", err(mprotect(m, 4 * PG, PROT_READ)));
    printf(", read back '%c%c'\n", m[0], m[4 * PG - 1]);
    printf("mprotect PROT_NONE middle pages: %s\n", err(mprotect(m + PG, 2 * PG, PROT_NONE)));
    printf("mprotect back to RW: %s", err(mprotect(m, 4 * PG, PROT_READ | PROT_WRITE)));
    m[PG] = 'M';
    printf(", write+read '%c%c'\n", m[PG], m[PG + 1]);
    printf("mprotect unaligned: %s\n", err(mprotect(m + 1, PG, PROT_READ)));
    printf("mprotect unmapped range: %s\n", err(mprotect(hole(4), PG, PROT_READ)));
    printf("mprotect bad prot bits: %s\n", err(mprotect(m, PG, 0x1000)));
    munmap(m, 4 * PG);

    /* --- munmap holes */
    char *h = mmap(NULL, 10 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 10; i++) h[i * PG] = (char)('0' + i);
    munmap(h + 3 * PG, PG);
    munmap(h + 6 * PG, 2 * PG);
    pages("munmap holes at 3 and 6-7", h, 10);
    printf("survivors: %c%c%c %c%c %c%c\n", h[0], h[PG], h[2 * PG], h[4 * PG], h[5 * PG], h[8 * PG], h[9 * PG]);
    printf("munmap unaligned: %s\n", err(munmap(h + 1, PG)));
    printf("munmap length 0: %s\n", err(munmap(h, 0)));
    printf("munmap already unmapped: %s\n", err(munmap(h + 3 * PG, PG)));
    printf("munmap across holes: %s\n", err(munmap(h, 10 * PG)));
    pages("after munmap of all 10", h, 10);

    /* --- MAP_FIXED replaces part of a mapping; NOREPLACE refuses */
    char *f = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(f, 'A', 4 * PG);
    char *g = mmap(f + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED over pages 1-2: at target %s, pages %c %d %d %c\n", g == f + PG ? "yes" : "no",
           f[0], f[PG], f[2 * PG + 100], f[3 * PG]);
    void *n = mmap(f + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE over a mapped page: %s\n", n == MAP_FAILED ? err(-1) : "mapped (wrong)");
    munmap(f + 2 * PG, PG);
    n = mmap(f + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE into a hole: %s\n", n == f + 2 * PG ? "at target" : n == MAP_FAILED ? err(-1) : "elsewhere");
    n = mmap(f + 2 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE overlapping the end: %s\n", n == MAP_FAILED ? err(-1) : "mapped (wrong)");
    munmap(f, 4 * PG);

    /* --- bad requests */
    printf("mmap length 0: %s\n", err(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0));
    printf("mmap neither shared nor private: %s\n", err(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0));
    printf("mmap MAP_FIXED unaligned: %s\n", err(mmap((void *)(PG * 1000 + 1), PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0));
    printf("mmap huge: %s\n", err(mmap(NULL, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0));
    printf("mmap file without fd: %s\n", err(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED ? -1 : 0));
    printf("mremap of an unmapped address: %s\n", err(mremap(hole(1), 0, PG, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0));

    /* --- file mapping: contents equal read(), private writes do not reach the file */
    int fd = open("/etc/os-release", O_RDONLY);
    char rd[8192];
    ssize_t len = read(fd, rd, sizeof rd);
    char *fm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (fm == MAP_FAILED) {
        printf("file mmap: %s\n", err(-1));
    } else {
        printf("file mmap of %zd bytes: same as read %s, rest of page zero %s\n", len,
               memcmp(fm, rd, len) == 0 ? "yes" : "no", fm[len] == 0 && fm[PG - 1] == 0 ? "yes" : "no");
        fm[0] = '#';
        char first;
        pread(fd, &first, 1, 0);
        printf("private write then pread: file starts with '%c'\n", first);
        munmap(fm, PG);
    }
    printf("mmap of a file at unaligned offset: %s\n", err(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 1) == MAP_FAILED ? -1 : 0));
    close(fd);

    /* --- brk: grow, use, shrink, grow again (fresh pages are zero) */
    uintptr_t b0 = syscall(SYS_brk, 0);
    uintptr_t b1 = syscall(SYS_brk, b0 + (1 << 20));
    printf("brk grow by 1 MiB: %s\n", b1 == b0 + (1 << 20) ? "ok" : "failed");
    memset((void *)(b0), 0xab, 1 << 20);
    uintptr_t b2 = syscall(SYS_brk, b0 + PG);
    printf("brk shrink to +1 page: %s\n", b2 == b0 + PG ? "ok" : "failed");
    pages("heap pages after shrink (first 4)", (char *)((b0 + PG - 1) & ~(PG - 1)), 4);
    uintptr_t b3 = syscall(SYS_brk, b0 + 8 * PG);
    printf("brk regrow: %s, kept page %02x, regrown page %02x\n", b3 == b0 + 8 * PG ? "ok" : "failed",
           ((unsigned char *)b0)[10], ((unsigned char *)b0)[4 * PG + 10]);
    printf("brk(1) leaves it: %s\n", (uintptr_t)syscall(SYS_brk, 1) == b3 ? "yes" : "no");
    syscall(SYS_brk, b0);
    printf("brk back to start: %s\n", (uintptr_t)syscall(SYS_brk, 0) == b0 ? "yes" : "no");
    printf("done\n");
    return 0;
}
