/* Calls a sandbox must refuse, each printed with its result, then carries on to the end.
 * NOT to be run natively as root: the arguments are chosen to be as harmless as possible
 * (reboot with a wrong magic number, kexec_load of nothing), but these calls reach the real
 * kernel when the program is not sandboxed. The test runs it under cryo only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void res(const char *what, long r) {
    if (r == -1) printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
    fflush(stdout);
}

int main(void) {
    res("ptrace(PTRACE_TRACEME)", syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0));
    res("mount(NULL, \"/mnt\", \"tmpfs\")", syscall(SYS_mount, NULL, "/mnt", "tmpfs", 0, NULL));
    res("reboot(bad magic)", syscall(SYS_reboot, 0, 0, 0, NULL));
    res("kexec_load(nothing)", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    res("init_module(NULL, 0, \"\")", syscall(SYS_init_module, NULL, 0, ""));
    res("syscall(1000)", syscall(1000, 1, 2, 3));
    res("syscall(5000)", syscall(5000));
    res("syscall(-1)", syscall(-1));
    res("getpid() still works", syscall(SYS_getpid) > 0 ? 0 : -1);
    printf("reached the end\n");
    return 0;
}
