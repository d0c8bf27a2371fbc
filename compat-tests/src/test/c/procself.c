/* /proc/self/exe names the running program (procfs). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    char buf[4096];
    struct stat st, st2;
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    printf("readlink /proc/self/exe is argv[0]'s file: %s\n",
           n > 0 && buf[0] == '/' && (buf[n] = 0, 1) && stat(buf, &st) == 0 && stat("/proc/self/exe", &st2) == 0
           && st.st_ino == st2.st_ino ? "yes" : "no");
    return 0;
}
