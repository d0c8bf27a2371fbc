/* Files and directories, metadata: stat, lstat, fstat, newfstatat (and its flags), statx,
 * access, faccessat, faccessat2, statfs, fstatfs, the xattr calls, umask, and the checks that
 * the changing calls (mkdir, unlink, rename, chmod, truncate, ...) make before the read-only
 * root would refuse them: only calls that fail natively too are here, so nothing is ever
 * changed on the host. Inode numbers, times and device numbers are never printed. */
#include "case.h"
#include <sys/time.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static void st_line(const char *what, const struct stat *st) {
    printf("%s: mode %o size %lld nlink %lu uid %u gid %u blksize %ld blocks>0 %d\n", what, st->st_mode,
           (long long)st->st_size, (unsigned long)st->st_nlink, st->st_uid, st->st_gid, (long)st->st_blksize,
           st->st_blocks > 0);
}
static struct stat st, st2;

static void stat_regular(void) {
    T(stat("/etc/passwd", &st));
    st_line("/etc/passwd", &st);
    T(stat("/bin/busybox", &st));
    st_line("/bin/busybox", &st);
}
static void stat_dir_and_link(void) {
    T(stat("/usr/share/common-licenses", &st));
    printf("dir: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
    T(lstat("/etc/os-release", &st));
    printf("lstat link: %s size %lld mode %o\n", S_ISLNK(st.st_mode) ? "yes" : "no", (long long)st.st_size, st.st_mode);
    T(stat("/etc/os-release", &st2));
    printf("stat follows it: %s\n", S_ISREG(st2.st_mode) ? "yes" : "no");
    T(lstat("/etc/passwd", &st));
    T(stat("/", &st));
    printf("root is a dir: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
}
static void stat_dev(void) {
    T(stat("/dev/null", &st));
    printf("/dev/null: chr %d mode %o rdev %u:%u\n", S_ISCHR(st.st_mode), st.st_mode & 07777,
           major(st.st_rdev), minor(st.st_rdev));
    T(stat("/dev/zero", &st));
    printf("/dev/zero: chr %d rdev %u:%u\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
    T(stat("/dev/urandom", &st));
    printf("/dev/urandom: chr %d rdev %u:%u\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
}
static void stat_errors(void) {
    T(stat("/no/such", &st));
    T(stat("/etc/passwd/x", &st));
    T(stat("", &st));
    T(syscall(SYS_stat, "/etc/passwd", NULL));
    T(syscall(SYS_stat, "/etc/passwd", WILD));
    T(syscall(SYS_stat, NULL, &st));
    T(syscall(SYS_lstat, ONE, &st));
    static char p[PATH_MAX + 2];
    memset(p, 'x', sizeof p - 1);
    T(stat(p, &st));
}
static void fstat_cases(void) {
    int fd = open("/etc/passwd", O_RDONLY);
    T(fstat(fd, &st));
    T(stat("/etc/passwd", &st2));
    Y("fstat = stat", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev && st.st_size == st2.st_size);
    T(fstat(open("/etc/passwd", O_PATH), &st));
    T(fstat(-1, &st));
    T(fstat(999, &st));
    T(syscall(SYS_fstat, fd, NULL));
    T(fstat(1, &st));
    T(fstat(open("/etc", O_RDONLY), &st));
    printf("dir: %d\n", S_ISDIR(st.st_mode));
}
static void fstatat_flags(void) {
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    T(fstatat(d, "passwd", &st, 0));
    T(fstatat(d, "os-release", &st, AT_SYMLINK_NOFOLLOW));
    printf("link: %d\n", S_ISLNK(st.st_mode));
    T(fstatat(d, "os-release", &st, 0));
    printf("reg: %d\n", S_ISREG(st.st_mode));
    T(fstatat(d, "", &st, AT_EMPTY_PATH));
    printf("dir: %d\n", S_ISDIR(st.st_mode));
    T(fstatat(d, "", &st, 0));
    T(fstatat(d, "passwd", &st, 0x4000000));
    T(fstatat(d, "passwd", &st, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC));
    T(fstatat(-1, "passwd", &st, 0));
    T(fstatat(-1, "/etc/passwd", &st, 0));
    T(fstatat(AT_FDCWD, "etc/passwd", &st, 0));
    T(fstatat(open("/etc/passwd", O_RDONLY), "x", &st, 0));
    T(fstatat(open("/etc/passwd", O_PATH), "", &st, AT_EMPTY_PATH));
    T(syscall(SYS_newfstatat, d, NULL, &st, AT_EMPTY_PATH));
}
static void statx_cases(void) {
    struct statx sx;
    T(statx(AT_FDCWD, "/etc/passwd", 0, STATX_BASIC_STATS, &sx));
    T(stat("/etc/passwd", &st));
    Y("basic stats in the mask", (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
    Y("same as stat", sx.stx_size == (unsigned long long)st.st_size && sx.stx_mode == st.st_mode
                          && sx.stx_ino == st.st_ino && sx.stx_nlink == st.st_nlink && sx.stx_uid == st.st_uid);
    printf("blksize %u\n", sx.stx_blksize);
    T(statx(AT_FDCWD, "/etc/os-release", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx));
    printf("link: %d\n", S_ISLNK(sx.stx_mode));
    T(statx(AT_FDCWD, "/etc/passwd", 0, STATX__RESERVED, &sx));
    T(statx(AT_FDCWD, "/etc/passwd", 0x1000000, STATX_BASIC_STATS, &sx));
    T(statx(AT_FDCWD, "/etc/passwd", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &sx));
    T(statx(AT_FDCWD, "/no/such", 0, STATX_BASIC_STATS, &sx));
    T(syscall(SYS_statx, AT_FDCWD, "/etc/passwd", 0, STATX_BASIC_STATS, NULL));
    T(statx(-1, "passwd", 0, STATX_BASIC_STATS, &sx));
    T(statx(open("/etc", O_RDONLY), "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
    printf("dir: %d\n", S_ISDIR(sx.stx_mode));
}
static void access_cases(void) {
    T(access("/etc/passwd", F_OK));
    T(access("/etc/passwd", R_OK));
    T(access("/bin/busybox", X_OK));
    T(access("/etc/passwd", X_OK));
    T(access("/etc", X_OK | R_OK));
    T(access("/no/such", F_OK));
    T(access("/etc/passwd", 8));
    T(syscall(SYS_access, NULL, F_OK));
    T(access("/etc/passwd/x", F_OK));
    T(access("", F_OK));
}
static void access_write_on_readonly_root(void) {
    /* as root, W_OK on a read-only mount is EROFS: the sandbox's root is one; natively the
     * same answer comes from a path that is read-only on every host: none is, so only the
     * cases that fail before the mount is looked at */
    T(access("/no/such", W_OK));
    T(access("/etc/passwd/x", W_OK));
}
static void faccessat_cases(void) {
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    T(faccessat(d, "passwd", R_OK, 0));
    T(syscall(SYS_faccessat, d, "passwd", R_OK));
    T(syscall(SYS_faccessat, -1, "passwd", R_OK));
    T(syscall(SYS_faccessat, open("/etc/passwd", O_RDONLY), "x", R_OK));
    T(syscall(SYS_faccessat, d, "os-release", 8));
}
static void faccessat2_flags(void) {
    int d = open("/etc", O_RDONLY | O_DIRECTORY);
    T(syscall(SYS_faccessat2, d, "passwd", R_OK, 0));
    T(syscall(SYS_faccessat2, d, "passwd", R_OK, AT_EACCESS));
    T(syscall(SYS_faccessat2, d, "os-release", R_OK, AT_SYMLINK_NOFOLLOW));
    T(syscall(SYS_faccessat2, d, "", R_OK, AT_EMPTY_PATH));
    T(syscall(SYS_faccessat2, d, "", R_OK, 0));
    T(syscall(SYS_faccessat2, d, "passwd", R_OK, 0x8000));
    T(syscall(SYS_faccessat2, d, "no-such", F_OK, AT_EACCESS));
    T(syscall(SYS_faccessat2, d, "passwd", 0x10, 0));
}
static void statfs_cases(void) {
    struct statfs s, s2;
    T(statfs("/etc/passwd", &s));
    T(fstatfs(open("/etc/passwd", O_RDONLY), &s2));
    Y("same filesystem", s.f_type == s2.f_type && s.f_bsize == s2.f_bsize);
    T(statfs("/no/such", &s));
    T(syscall(SYS_statfs, "/etc", NULL));
    T(syscall(SYS_statfs, NULL, &s));
    T(fstatfs(-1, &s));
    T(fstatfs(open("/etc", O_PATH), &s) == 0);
    T(syscall(SYS_fstatfs, 0, WILD));
    T(statfs("/dev/null", &s));
}
static void xattr_reads(void) {
    char v[256];
    T(getxattr("/etc/passwd", "user.cryo", v, sizeof v));
    T(lgetxattr("/etc/os-release", "user.cryo", v, sizeof v));
    T(fgetxattr(open("/etc/passwd", O_RDONLY), "user.cryo", v, sizeof v));
    T(getxattr("/no/such", "user.x", v, sizeof v));
    T(getxattr("/etc/passwd", "", v, sizeof v));
    T(getxattr("/etc/passwd", "nonamespace", v, sizeof v));
    T(fgetxattr(-1, "user.x", v, sizeof v));
    T(syscall(SYS_getxattr, "/etc/passwd", NULL, v, 10L));
}
static void xattr_lists(void) {
    char v[1024];
    T(listxattr("/usr/share/common-licenses/GPL-3", v, sizeof v));
    T(llistxattr("/etc/os-release", v, sizeof v));
    T(flistxattr(open("/etc/hostname", O_RDONLY), v, sizeof v));
    T(listxattr("/no/such", v, sizeof v));
    T(flistxattr(-1, v, sizeof v));
    T(listxattr("/usr/share/common-licenses/GPL-3", NULL, 0));
}
static void xattr_changes(void) {
    T(setxattr("/no/such", "user.x", "1", 1, 0));
    T(setxattr("/etc/passwd", "user.x", "1", 1, 7));
    T(setxattr("/etc/passwd", "", "1", 1, 0));
    T(lsetxattr("/no/such", "user.x", "1", 1, 0));
    T(fsetxattr(-1, "user.x", "1", 1, 0));
    T(removexattr("/no/such", "user.x"));
    T(lremovexattr("/no/such", "user.x"));
    T(fremovexattr(-1, "user.x"));
    T(fremovexattr(open("/etc/passwd", O_RDONLY), ""));
}
static void umask_cases(void) {
    T(umask(022));
    T(umask(0777));
    T(umask(0));
    T(umask(01777));
    T(umask(022));
}
static void mkdir_rmdir_checks(void) {
    T(mkdir("/etc", 0755));
    T(mkdir("/no/such/dir", 0755));
    T(mkdir("/etc/passwd/x", 0755));
    T(syscall(SYS_mkdir, NULL, 0755));
    T(mkdirat(-1, "x", 0755));
    T(mkdirat(open("/etc", O_RDONLY), "passwd", 0755));
    /* rmdir of an existing non-directory is not here: Linux asks a read-only mount for write
     * access first (EROFS in the sandbox) and a writable one says ENOTDIR */
    T(rmdir("/no/such"));
    T(rmdir("/etc/passwd/x"));
    T(rmdir("/usr/share/."));
}
static void unlink_rename_checks(void) {
    T(unlink("/no/such"));
    T(unlink("/etc/passwd/x"));
    T(unlinkat(AT_FDCWD, "/no/such", 0));
    T(unlinkat(AT_FDCWD, "/etc/passwd", 0x1));
    T(unlinkat(-1, "x", 0));
    T(unlinkat(AT_FDCWD, "/no/such", AT_REMOVEDIR));
    T(rename("/no/such", "/etc/x"));
    T(rename("/etc/passwd/x", "/etc/y"));
    T(renameat(-1, "x", AT_FDCWD, "y"));
    T(syscall(SYS_renameat2, AT_FDCWD, "/no/such", AT_FDCWD, "/y", 0));
    T(syscall(SYS_renameat2, AT_FDCWD, "/etc/passwd", AT_FDCWD, "/etc/group", 0x100));
    T(syscall(SYS_renameat2, AT_FDCWD, "/etc/passwd", AT_FDCWD, "/etc/group", RENAME_EXCHANGE | RENAME_NOREPLACE));
}
static void link_symlink_checks(void) {
    T(link("/no/such", "/etc/x"));
    T(link("/etc/passwd", "/etc/group"));
    T(link("/etc/passwd", "/no/such/x"));
    T(linkat(AT_FDCWD, "/etc/passwd", AT_FDCWD, "/etc/x", 0x1));
    T(linkat(-1, "x", AT_FDCWD, "/y", 0));
    T(symlink("x", "/etc/passwd"));
    T(symlink("x", "/no/such/link"));
    T(symlinkat("x", -1, "y"));
    T(symlink("", "/no/such/y"));
    T(mknod("/etc/passwd", S_IFREG | 0644, 0));
    T(mknod("/no/such/x", S_IFREG | 0644, 0));
    T(syscall(SYS_mknod, "/no/such/y", S_IFIFO | 0644, 0));
    T(syscall(SYS_mknod, "/etc/group", S_IFREG | 0644, 0));
    T(mknodat(-1, "x", S_IFIFO | 0644, 0));
}
static void chmod_chown_checks(void) {
    T(chmod("/no/such", 0644));
    T(chmod("/etc/passwd/x", 0644));
    T(fchmod(-1, 0644));
    T(fchmodat(AT_FDCWD, "/no/such", 0644, 0));
    T(syscall(SYS_fchmodat, -1, "x", 0644));
    T(chown("/no/such", 0, 0));
    T(lchown("/no/such", 0, 0));
    T(fchown(-1, 0, 0));
    T(fchownat(AT_FDCWD, "/no/such", 0, 0, 0));
    T(fchown(open("/etc/passwd", O_PATH), 0, 0));
}
static void truncate_checks(void) {
    T(truncate("/no/such", 0));
    T(truncate("/etc", 0));
    T(truncate("/etc/passwd", -1));
    T(truncate("/etc/passwd/x", 0));
    T(ftruncate(-1, 0));
    T(ftruncate(open("/etc/passwd", O_RDONLY), 0));
    T(ftruncate(open("/etc", O_RDONLY), 0));
    T(ftruncate(open("/dev/null", O_WRONLY), -1));
}
static void utimensat_checks(void) {
    struct timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
    T(utimensat(AT_FDCWD, "/no/such", NULL, 0));
    T(utimensat(AT_FDCWD, "/etc/passwd", ts, 0));
    T(utimensat(AT_FDCWD, "/no/such", ts, 0));
    T(utimensat(-1, "x", ts, 0x8000));
    struct timespec bad[2] = {{0, 2000000000L}, {0, 0}};
    T(utimensat(AT_FDCWD, "/etc/passwd", bad, 0));
    T(utimensat(AT_FDCWD, "/etc/passwd", NULL, 0x8000));
    T(utimensat(-1, "x", NULL, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "/etc/passwd", WILD, 0));
}
static void utimes_checks(void) {
    /* utimes, futimesat and utime: their own checks (microseconds, EFAULT), then as utimensat.
     * Only calls that fail before the write: natively they would change the host's files. */
    struct timeval tv[2] = {{1, 0}, {2, 999999}}, bad[2] = {{0, 1000000}, {0, 0}}, neg[2] = {{0, 0}, {0, -1}};
    T(syscall(SYS_utimes, "/no/such", NULL));
    T(syscall(SYS_utimes, "/etc/passwd", bad));
    T(syscall(SYS_utimes, "/no/such", neg));
    T(syscall(SYS_utimes, "/etc/passwd", WILD));
    T(syscall(SYS_utimes, NULL, tv));
    T(syscall(SYS_utimes, "/etc/passwd/x", NULL));
    T(syscall(SYS_utimes, "", tv));
    T(syscall(SYS_futimesat, -1, "x", tv));
    T(syscall(SYS_futimesat, open("/etc", O_RDONLY), "no-such", NULL));
    T(syscall(SYS_futimesat, open("/etc/passwd", O_RDONLY), "x", NULL));
    T(syscall(SYS_futimesat, AT_FDCWD, NULL, NULL));
    T(syscall(SYS_futimesat, 99, NULL, tv));
    T(syscall(SYS_futimesat, AT_FDCWD, "/etc/passwd", bad));
    struct { long actime, modtime; } ub = {1, 2};
    T(syscall(SYS_utime, "/no/such", &ub));
    T(syscall(SYS_utime, "/etc/passwd", WILD));
    T(syscall(SYS_utime, NULL, NULL));
    T(syscall(SYS_utime, "/etc/passwd/", NULL));
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void lstat_directory(void) {
    /* lstat of each entry of a directory, in name order: type, mode and size */
    const char *dir = "/usr/share/common-licenses";
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    static char b[8192], *names[256];
    int n = 0;
    long nb;
    while ((nb = syscall(SYS_getdents64, d, b, sizeof b)) > 0) {
        for (long off = 0; off < nb;) {
            char *name = b + off + 19;
            if (n < 256 && strcmp(name, ".") && strcmp(name, "..")) names[n++] = strdup(name);
            off += *(unsigned short *)(b + off + 16);
        }
    }
    qsort(names, n, sizeof names[0], by_name);
    for (int i = 0; i < n; i++) {
        T(fstatat(d, names[i], &st, AT_SYMLINK_NOFOLLOW));
        printf("  %s: mode %o size %lld\n", names[i], st.st_mode, (long long)st.st_size);
    }
}
MAIN(K(stat_regular), K(stat_dir_and_link), K(stat_dev), K(stat_errors), K(fstat_cases), K(fstatat_flags),
     K(statx_cases), K(access_cases), K(access_write_on_readonly_root), K(faccessat_cases), K(faccessat2_flags),
     K(statfs_cases), K(xattr_reads), K(xattr_lists), K(xattr_changes), K(umask_cases), K(mkdir_rmdir_checks),
     K(unlink_rename_checks), K(link_symlink_checks), K(chmod_chown_checks), K(truncate_checks),
     K(utimensat_checks), K(utimes_checks), K(lstat_directory))
