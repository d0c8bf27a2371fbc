/* /proc as a program reads it: its own entries (exe, cwd, fd, cmdline, comm, stat, status,
 * maps, task), descriptors reopened through /proc/self/fd and /dev/fd, the system-wide files,
 * and the errors. Host-dependent values (pids, addresses, sizes) are checked as facts against
 * what the program knows itself. See case.h. */
#include "case.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

static char text[1 << 16];

/* The whole of a /proc file, read in small pieces (as some readers do); its length, or -1. */
static long slurp(const char *path, size_t piece) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    long total = 0, n;
    while (total < (long)sizeof text - 1 && (n = read(fd, text + total, piece)) > 0) total += n;
    text[total] = 0;
    close(fd);
    return total;
}

/* The value after "key:\t" in text, up to the end of its line. */
static const char *field(const char *key) {
    static char v[256];
    char *p = strstr(text, key);
    if (!p) return "";
    p += strlen(key);
    while (*p == ':' || *p == '\t' || *p == ' ') p++;
    size_t n = strcspn(p, "\n");
    if (n >= sizeof v) n = sizeof v - 1;
    memcpy(v, p, n);
    v[n] = 0;
    return v;
}

static void self_links(char **argv0) {
    char buf[PATH_MAX], real[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    Y("exe is the program", n > 0 && realpath(*argv0, real) && !strcmp(buf, real));
    n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    Y("cwd is getcwd", n > 0 && getcwd(real, sizeof real) && !strcmp(buf, real));
    T(chdir("/etc"));
    n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("cwd now %s\n", buf);
    n = readlink("/proc/self/root", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("root %s\n", buf);
    char self[64];
    n = readlink("/proc/self", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    Y("self is the pid", atoi(self) == getpid());
    struct stat a, b;
    Y("self/exe is the program's file", stat("/proc/self/exe", &a) == 0 && stat(*argv0, &b) == 0 && a.st_ino == b.st_ino);
    T(lstat("/proc/self/exe", &a));
    Y("exe is a link", S_ISLNK(a.st_mode));
    T(stat("/proc/self/cwd/passwd", &a));
    Y("through cwd to a file", S_ISREG(a.st_mode));
}
static char *argv0_;
static void self_links_case(void) { self_links(&argv0_); }

static void self_cmdline_comm(void) {
    long n = slurp("/proc/self/cmdline", 7);
    Y("cmdline is argv", n > 0 && !strcmp(text, argv0_) && !strcmp(text + strlen(argv0_) + 1, "self_cmdline_comm"));
    printf("cmdline %ld bytes past argv[0]\n", n - (long)strlen(argv0_));
    slurp("/proc/self/comm", 64);
    printf("comm %s", text);
    n = slurp("/proc/self/environ", 100);
    extern char **environ;
    long expect = 0;
    for (char **e = environ; *e; e++) expect += strlen(*e) + 1;
    Y("environ is the environment", n == expect && (environ[0] == NULL || !strcmp(text, environ[0])));
}

static void self_status_stat(void) {
    T(slurp("/proc/self/status", 13) > 0);
    printf("Name %s\n", field("Name"));
    printf("State %s\n", field("State"));
    Y("Pid", atoi(field("\nPid")) == getpid());
    Y("PPid", atoi(field("PPid")) == getppid());
    Y("Tgid", atoi(field("Tgid")) == getpid());
    char uid[64];
    snprintf(uid, sizeof uid, "%d\t%d\t%d\t%d", getuid(), geteuid(), geteuid(), geteuid());
    Y("Uid", !strcmp(field("Uid"), uid));
    printf("Threads %s\n", field("Threads"));
    Y("VmSize", atol(field("VmSize")) > 0);
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    unsigned long bits = 0;
    for (int sig = 1; sig < 64; sig++) if (sigismember(&mask, sig) == 1) bits |= 1UL << (sig - 1);
    Y("SigBlk is the mask", strtoul(field("SigBlk"), NULL, 16) == bits);
    T(slurp("/proc/self/stat", 5) > 0);
    int pid, ppid, pgrp;
    char comm[64], state;
    T(sscanf(text, "%d (%63[^)]) %c %d %d", &pid, comm, &state, &ppid, &pgrp));
    Y("stat pid", pid == getpid());
    Y("stat ppid", ppid == getppid());
    Y("stat pgrp", pgrp == getpgrp());
    printf("stat comm %s state %c\n", comm, state);
    int fields = 1;
    for (char *p = strrchr(text, ')'); *p; p++) if (*p == ' ') fields++;
    printf("stat fields %d\n", fields);
    T(slurp("/proc/self/statm", 100) > 0);
    Y("statm size", atol(text) > 0);
}

static void self_maps(void) {
    int on_stack = 0;
    T(slurp("/proc/self/maps", 50) > 0);
    unsigned long here = (unsigned long)&on_stack, code = (unsigned long)&self_maps;
    int stack = 0, exe = 0, lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3) continue;
        lines++;
        if (lo <= here && here < hi && strstr(line, "[stack]") && perms[0] == 'r' && perms[1] == 'w') stack = 1;
        if (lo <= code && code < hi && perms[2] == 'x') exe = 1;
    }
    Y("a stack variable is in [stack], rw", stack);
    Y("this function is in an executable mapping", exe);
    Y("lines", lines >= 3);
    pthread_attr_t a;
    void *addr;
    size_t size;
    /* glibc finds the main thread's stack through /proc/self/maps */
    T(pthread_getattr_np(pthread_self(), &a));
    T(pthread_attr_getstack(&a, &addr, &size));
    Y("the stack glibc found holds a local", (unsigned long)addr <= here && here < (unsigned long)addr + size);
}

static void self_fd(void) {
    int f = open("/etc/passwd", O_RDONLY);
    char buf[PATH_MAX], path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", f);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("fd %d -> %s\n", f, buf);
    int again = open(path, O_RDONLY);
    Y("reopened", again >= 0);
    char a[16] = {0}, b[16] = {0};
    T(read(f, a, 10));
    T(read(again, b, 10));
    Y("own offset, same bytes", !memcmp(a, b, 10));
    int p[2];
    pipe(p);
    snprintf(path, sizeof path, "/dev/fd/%d", p[1]);
    int w = open(path, O_WRONLY);
    T(write(w, "via proc", 8));
    T(read(p[0], a, 8));
    printf("read %.8s\n", a);
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    Y("a pipe's link", !strncmp(buf, "pipe:[", 6));
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
    T(open(path, O_RDWR));
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    Y("a socket's link", !strncmp(buf, "socket:[", 8));
    DIR *d = opendir("/proc/self/fd");
    int seen = 0, own = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (atoi(e->d_name) == f && e->d_type == DT_LNK) seen = 1;
        if (atoi(e->d_name) == dirfd(d)) own = 1; /* listed when read, not when opened */
    }
    closedir(d);
    Y("listed", seen);
    Y("the listing's own descriptor too", own);
    close(f);
    snprintf(path, sizeof path, "/proc/self/fd/%d", f);
    T(readlink(path, buf, sizeof buf));
}

static void *sleeper(void *arg) {
    (void)arg;
    usleep(200000);
    return NULL;
}
static void self_task(void) {
    pthread_t th;
    pthread_create(&th, NULL, sleeper, NULL);
    DIR *d = opendir("/proc/self/task");
    int n = 0, me = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        n++;
        if (atoi(e->d_name) == getpid()) me = 1;
    }
    closedir(d);
    printf("threads listed %d\n", n);
    Y("the main thread is listed", me);
    slurp("/proc/self/status", 4096);
    printf("Threads %s\n", field("Threads"));
    char path[64];
    snprintf(path, sizeof path, "/proc/thread-self/comm");
    T(slurp(path, 64) > 0);
    printf("thread comm %s", text);
    pthread_join(th, NULL);
}

/* Field n (1-based, as proc(5) numbers them) of a /proc/PID/stat file; -1 if unreadable. */
static long long stat_field(const char *path, int n) {
    if (slurp(path, 4096) <= 0) return -1;
    char *p = strrchr(text, ')');
    if (!p) return -1;
    int field = 2;
    for (; *p && field < n; p++) if (*p == ' ') field++;
    return atoll(p);
}

static void other_process(void) {
    int p[2];
    pipe(p);
    pid_t child = fork();
    if (child == 0) {
        char c;
        read(p[0], &c, 1);
        _exit(0);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    T(slurp(path, 100) > 0);
    int pid, ppid;
    char state;
    sscanf(text, "%d (%*[^)]) %c %d", &pid, &state, &ppid);
    Y("child pid", pid == child);
    Y("child ppid", ppid == getpid());
    Y("child running or sleeping", state == 'R' || state == 'S');
    long long mine = stat_field("/proc/self/stat", 22), its = stat_field(path, 22);
    T(slurp("/proc/uptime", 100) > 0);
    double up = atof(text);
    Y("starttime: the child's after its parent's, both before now", mine >= 0 && its >= mine && its <= (long long)(up * 100) + 1);
    snprintf(path, sizeof path, "/proc/%d", child);
    struct stat st;
    T(stat(path, &st));
    Y("a directory", S_ISDIR(st.st_mode));
    DIR *d = opendir("/proc");
    int seen = 0, self = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (atoi(e->d_name) == child) seen = 1;
        if (!strcmp(e->d_name, "self")) self = 1;
    }
    closedir(d);
    Y("listed in /proc", seen && self);
    write(p[1], "x", 1);
    waitpid(child, NULL, 0);
    T(stat(path, &st));
}

static void system_files(void) {
    T(slurp("/proc/uptime", 3) > 0);
    double up, idle;
    T(sscanf(text, "%lf %lf", &up, &idle));
    Y("uptime", up >= 0);
    T(slurp("/proc/loadavg", 100) > 0);
    int running, total;
    T(sscanf(text, "%*f %*f %*f %d/%d", &running, &total));
    Y("loadavg tasks", running >= 1 && total >= running);
    T(slurp("/proc/meminfo", 256) > 0);
    Y("MemTotal", atol(field("MemTotal")) > 0);
    T(slurp("/proc/cpuinfo", 1000) > 0);
    Y("processor 0", strstr(text, "processor") != NULL);
    T(slurp("/proc/stat", 1000) > 0);
    Y("cpu line and btime", !strncmp(text, "cpu ", 4) && strstr(text, "\nbtime ") != NULL);
    T(slurp("/proc/version", 100) > 0);
    Y("version", !strncmp(text, "Linux version ", 14));
    T(slurp("/proc/self/mounts", 100) > 0);
    Y("mounts has /proc", strstr(text, " /proc proc ") != NULL);
    struct stat st;
    T(stat("/proc", &st));
    Y("/proc is a directory", S_ISDIR(st.st_mode));
    /* df and findmnt match a file to its mount by the device stat(2) gives */
    T(slurp("/proc/self/mountinfo", 300) > 0);
    struct stat root;
    stat("/", &root);
    int matched = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned maj, min;
        char point[256];
        if (sscanf(line, "%*d %*d %u:%u %*s %255s", &maj, &min, point) == 3 && !strcmp(point, "/"))
            matched = maj == major(root.st_dev) && min == minor(root.st_dev);
    }
    Y("the root's mountinfo line has its device", matched);
}

static void errors(void) {
    T(open("/proc/self/nosuch", O_RDONLY));
    T(open("/proc/999999/stat", O_RDONLY));
    T(open("/proc/self/stat/x", O_RDONLY));
    T(open("/proc/self/exe/", O_RDONLY));
    T(open("/proc/nosuch", O_RDONLY));
    char buf[16];
    T(readlink("/proc/self/stat", buf, sizeof buf));
    T(readlink("/proc", buf, sizeof buf));
    T(readlink("/proc/self/", buf, sizeof buf)); /* a trailing slash follows the link */
    T(readlink("/proc/self/cwd/..", buf, sizeof buf)); /* the cwd's parent, not /proc/self */
    struct stat st;
    T(stat("/proc/self/exe/..", &st));
    T(readlink("/dev/stdin/", buf, sizeof buf));
    T(open("/proc/self/fd/999", O_RDONLY));
    T(open("/proc/self/fd/x", O_RDONLY));
    T(open("/proc/self/stat", O_RDONLY | O_DIRECTORY));
    T(open("/proc/self", O_RDONLY | O_DIRECTORY) >= 0);
    T(open("/proc/self/exe", O_RDONLY | O_NOFOLLOW));
    T(open("/proc/self/exe", O_PATH | O_NOFOLLOW) >= 0);
    T(read(open("/proc/self", O_RDONLY | O_DIRECTORY), buf, 1));
    T(lseek(open("/proc/self/status", O_RDONLY), -1, SEEK_SET));
    T(lseek(open("/proc/self/status", O_RDONLY), 0, SEEK_END));
    T(lseek(open("/proc/self/status", O_RDONLY), 5, SEEK_CUR));
}

static void read_across_checkpoint(void) {
    /* Opened, part read, then the rest in small pieces: the bytes stay one text (a save point
     * may fall between any two reads) and end exactly once. */
    int fd = open("/proc/self/status", O_RDONLY);
    char first[16] = {0};
    T(read(fd, first, 6));
    printf("first %s|\n", first);
    long total = 6, n;
    char c;
    while ((n = read(fd, &c, 1)) > 0) total++;
    Y("read to the end", n == 0 && total > 200);
    T(read(fd, &c, 1));
    T(lseek(fd, 0, SEEK_SET));
    T(read(fd, first, 5));
    printf("again %.5s|\n", first);
}

int main(int argc, char **argv) {
    argv0_ = argv[0];
    static const struct kase cases[] = {K(self_links_case), K(self_cmdline_comm), K(self_status_stat), K(self_maps),
                                        K(self_fd), K(self_task), K(other_process), K(system_files), K(errors),
                                        K(read_across_checkpoint)};
    return run_cases(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
