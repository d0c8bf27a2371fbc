/* firstline [-w] OUTFILE -- CMD ARGS...
 * For bench/checkpoint: runs CMD with its stdout on a pipe and prints, in ms since just before
 * the fork, when the first complete output line arrived ("line=") and when CMD itself exited
 * ("exit=", or -1 if it was still running then: a foreground `cryo restore`; with -w it waits
 * for that exit too: `runsc restore -detach`). Then it leaves a
 * drainer in the background that copies everything (from the first byte) to OUTFILE until the
 * pipe closes, and exits; the last field ("pid=") is CMD's pid, for the caller to stop it.
 * Blocks in poll (never spins: the machine has 2 CPUs). Gives up after 30 s (exit 1). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  int wait_exit = 0;
  if (argc > 1 && strcmp(argv[1], "-w") == 0) { wait_exit = 1; argv++; argc--; }
  if (argc < 4 || strcmp(argv[2], "--") != 0) {
    fprintf(stderr, "usage: firstline [-w] OUTFILE -- CMD ARGS...\n");
    return 2;
  }
  int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) { perror(argv[1]); return 2; }
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) { perror("pipe"); return 2; }
  double t0 = now_ms();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    execvp(argv[3], argv + 3);
    perror(argv[3]);
    _exit(127);
  }
  close(p[1]);
  int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
  static char buf[1 << 16];
  size_t len = 0;
  double line = -1, exited = -1;
  int open_pipe = 1;
  while ((line < 0 || (wait_exit && exited < 0)) && open_pipe) {
    struct pollfd fds[2] = {{p[0], POLLIN, 0}, {pfd, POLLIN, 0}};
    int nf = (pfd >= 0 && exited < 0) ? 2 : 1;
    int left = 30000 - (int)(now_ms() - t0);
    if (left <= 0) break;
    if (poll(fds, nf, left) < 0) { if (errno == EINTR) continue; perror("poll"); return 2; }
    if (nf == 2 && (fds[1].revents & POLLIN)) {
      exited = now_ms() - t0;
      waitpid(pid, NULL, 0);
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(p[0], buf + len, sizeof buf - len);
      if (n <= 0) { open_pipe = 0; break; }
      if (line < 0 && memchr(buf + len, '\n', n)) line = now_ms() - t0;
      len += n;
      if (len == sizeof buf) { write(out, buf, len); len = 0; }
    }
  }
  printf("line=%.1f exit=%.1f pid=%d\n", line, exited, (int)pid);
  fflush(stdout);
  if (write(out, buf, len) < 0) return 2;
  if (!open_pipe || line < 0) return line < 0;
  if (fork() == 0) { /* the drainer: keeps the pipe read so CMD never blocks or gets EPIPE */
    setsid();
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2);
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) write(out, buf, n);
    _exit(0);
  }
  return 0;
}
