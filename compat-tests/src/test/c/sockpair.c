/* Unix socket pairs: socketpair's arguments, streams, datagrams and seqpackets, shutdown, close
 * of a peer, SIGPIPE, non-blocking ends, poll, files passed with SCM_RIGHTS, credentials,
 * socket options and names, and processes talking over a pair. Byte counts that depend on
 * the kernel's buffer accounting are printed as yes/no facts. Also capget, the identity call. */
#include "case.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <stddef.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <netinet/in.h>

static int sv[2];
static char buf[8192];

static void args(void) {
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    T(socketpair(AF_UNIX, SOCK_DGRAM, PF_UNIX, sv));
    T(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv));
    T(fcntl(sv[0], F_GETFD));
    T(fcntl(sv[0], F_GETFL) & O_NONBLOCK);
    T(socketpair(AF_UNIX, SOCK_STREAM, 7, sv));
    T(socketpair(AF_UNIX, 4 /* SOCK_RDM */, 0, sv));
    T(socketpair(AF_UNIX, 99, 0, sv));
    T(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv));
    T(socketpair(AF_INET, SOCK_STREAM, 0, sv));
    T(socketpair(-1, SOCK_STREAM, 0, sv));
    T(socketpair(4242, SOCK_STREAM, 0, sv));
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, WILD));
    T(socketpair(AF_UNIX, SOCK_RAW, 0, sv));
    int type = 0;
    socklen_t len = sizeof type;
    T(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len));
    T(type);
}

static void stream_basics(void) {
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    T(write(sv[0], "hello", 5));
    T(write(sv[0], " world", 6));
    T(read(sv[1], buf, 3));
    T(read(sv[1], buf, sizeof buf));
    T(memcmp(buf, "lo world", 8));
    T(send(sv[1], "back", 4, 0));
    T(recv(sv[0], buf, 2, MSG_PEEK));
    T(recv(sv[0], buf, sizeof buf, 0));
    int n = -1;
    T(write(sv[0], "abcdef", 6));
    T(ioctl(sv[1], FIONREAD, &n));
    T(n);
    T(recv(sv[1], buf, 10, MSG_DONTWAIT));
    T(recv(sv[1], buf, 10, MSG_DONTWAIT));
    struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
    T(writev(sv[0], iov, 2));
    char x[2], y[8];
    struct iovec in[2] = {{x, 2}, {y, 8}};
    T(readv(sv[1], in, 2));
    T(memcmp(x, "ab", 2) == 0 && memcmp(y, "cde", 3) == 0);
    T(lseek(sv[0], 0, SEEK_CUR));
}

static void stream_shutdown_and_close(void) {
    signal(SIGPIPE, SIG_IGN);
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    T(write(sv[0], "data", 4));
    T(shutdown(sv[0], SHUT_WR));
    T(write(sv[0], "more", 4));
    T(read(sv[1], buf, sizeof buf));
    T(read(sv[1], buf, sizeof buf));
    T(write(sv[1], "reply", 5));
    T(read(sv[0], buf, sizeof buf));
    T(shutdown(sv[0], 3));
    T(shutdown(0, SHUT_RD));
    T(shutdown(99, SHUT_RD));
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    T(write(sv[1], "unread", 6));
    T(close(sv[1]));
    T(read(sv[0], buf, sizeof buf));
    T(read(sv[0], buf, sizeof buf));
    T(write(sv[0], "x", 1));
    T(send(sv[0], "x", 1, MSG_NOSIGNAL));
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    T(write(sv[0], "left", 4));
    T(close(sv[1])); /* closed with data unread: the survivor is reset */
    int err = -1;
    socklen_t len = sizeof err;
    T(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len));
    T(err);
    T(read(sv[0], buf, sizeof buf));
}

static void sigpipe_on_stream_only(void) {
    T(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    T(close(sv[1]));
    T(write(sv[0], "x", 1)); /* EPIPE, no signal: this process would die of one */
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    T(close(sv[1]));
    pid_t p = fork();
    if (p == 0) {
        write(sv[0], "x", 1);
        _exit(0);
    }
    int st;
    T(waitpid(p, &st, 0) == p);
    T(WIFSIGNALED(st) ? WTERMSIG(st) : -1);
}

static void datagrams(void) {
    T(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    T(send(sv[0], "first", 5, 0));
    T(send(sv[0], "", 0, 0));
    T(send(sv[0], "third message", 13, 0));
    int n = -1;
    T(ioctl(sv[1], FIONREAD, &n));
    T(n);
    T(recv(sv[1], buf, 3, 0));
    T(recv(sv[1], buf, sizeof buf, 0));
    T(recv(sv[1], buf, 5, MSG_TRUNC));
    struct iovec iov = {buf, 2};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    T(send(sv[0], "trunc", 5, 0));
    T(recvmsg(sv[1], &m, 0));
    T(m.msg_flags & MSG_TRUNC);
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    static char big[300000];
    T(send(sv[0], big, sizeof big, 0));
    struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "\0nobody"};
    T(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&to, sizeof to));
    T(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&to, 2));
    T(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&to, -1));
    T(shutdown(sv[1], SHUT_RD));
    T(recv(sv[1], buf, sizeof buf, 0));
    T(send(sv[0], "x", 1, 0));
    T(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    T(close(sv[1]));
    T(send(sv[0], "x", 1, 0));
    T(send(sv[0], "x", 1, 0));
}

static void seqpackets(void) {
    T(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    T(send(sv[0], "one", 3, 0));
    T(send(sv[0], "two!", 4, 0));
    T(recv(sv[1], buf, 2, 0));
    T(recv(sv[1], buf, sizeof buf, 0));
    T(memcmp(buf, "two!", 4));
    T(shutdown(sv[0], SHUT_WR));
    T(recv(sv[1], buf, sizeof buf, 0));
    T(send(sv[0], "x", 1, 0));
    T(close(sv[0]));
    T(recv(sv[1], buf, sizeof buf, 0));
}

static void nonblocking_fill(void) {
    T(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    long total = 0, r;
    while ((r = write(sv[0], buf, sizeof buf)) > 0) total += r;
    T(r);
    Y("a stream holds over 100 KiB", total > 100000);
    struct pollfd p[2] = {{sv[0], POLLOUT, 0}, {sv[1], POLLIN | POLLOUT, 0}};
    T(poll(p, 2, 0));
    T(p[0].revents);
    T(p[1].revents);
    long got = 0;
    while ((r = read(sv[1], buf, sizeof buf)) > 0) got += r;
    T(r);
    T(got == total);
    T(poll(p, 2, 0));
    T(p[0].revents);
    T(p[1].revents);
    T(close(sv[0]));
    T(poll(p + 1, 1, 0));
    T(p[1].revents);
}

static void pass_files(void) {
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int pfd[2];
    T(pipe(pfd));
    char cbuf[CMSG_SPACE(2 * sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {"F", 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    memcpy(CMSG_DATA(c), pfd, sizeof pfd);
    T(sendmsg(sv[0], &m, 0));
    T(close(pfd[0]));
    T(close(pfd[1]));
    char rb[4];
    char rc[CMSG_SPACE(2 * sizeof(int))];
    struct iovec riov = {rb, sizeof rb};
    struct msghdr r = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rc, .msg_controllen = sizeof rc};
    T(recvmsg(sv[1], &r, MSG_CMSG_CLOEXEC));
    T(r.msg_controllen);
    struct cmsghdr *rc0 = CMSG_FIRSTHDR(&r);
    T(rc0->cmsg_len);
    T(rc0->cmsg_type);
    int got[2];
    memcpy(got, CMSG_DATA(rc0), sizeof got);
    T(fcntl(got[0], F_GETFD));
    T(write(got[1], "through", 7));
    T(read(got[0], buf, sizeof buf));
    /* No room for the files: dropped, MSG_CTRUNC. */
    int one = got[0];
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &one, sizeof one);
    m.msg_controllen = CMSG_SPACE(sizeof(int));
    T(sendmsg(sv[0], &m, 0));
    struct msghdr small = {.msg_iov = &riov, .msg_iovlen = 1};
    T(recvmsg(sv[1], &small, 0));
    T(small.msg_flags & MSG_CTRUNC);
    /* Bad control messages. */
    int bad = 999;
    memcpy(CMSG_DATA(c), &bad, sizeof bad);
    T(sendmsg(sv[0], &m, 0));
    c->cmsg_type = 77;
    T(sendmsg(sv[0], &m, 0));
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = 4;
    T(sendmsg(sv[0], &m, 0));
    m.msg_controllen = 1 << 20; /* past net.core.optmem_max */
    T(sendmsg(sv[0], &m, 0));
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
}

static void credentials_and_names(void) {
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct ucred uc;
    socklen_t len = sizeof uc;
    T(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
    T(uc.pid == getpid() && uc.uid == geteuid() && uc.gid == getegid());
    int on = 1;
    T(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    T(write(sv[0], "c", 1));
    char cb[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {buf, 10};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb, .msg_controllen = sizeof cb};
    T(recvmsg(sv[1], &m, 0));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    T(c != NULL && c->cmsg_type == SCM_CREDENTIALS);
    memcpy(&uc, CMSG_DATA(c), sizeof uc);
    T(uc.pid == getpid() && uc.uid == geteuid());
    struct sockaddr_un a;
    len = sizeof a;
    T(getsockname(sv[0], (struct sockaddr *)&a, &len));
    T(len);
    T(a.sun_family);
    len = sizeof a;
    T(getpeername(sv[0], (struct sockaddr *)&a, &len));
    T(len);
    len = -1;
    T(getpeername(sv[0], (struct sockaddr *)&a, &len));
    T(getsockname(0, (struct sockaddr *)&a, &len));
    int v = 0;
    len = sizeof v;
    T(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &(int){8192}, sizeof(int)));
    T(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len));
    T(v);
    T(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
    T(v);
    T(getsockopt(sv[0], SOL_SOCKET, 12345, &v, &len));
    T(getsockopt(sv[0], IPPROTO_TCP, 1, &v, &len));
    T(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, 2));
    struct timeval tv = {0, 20000};
    T(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    T(read(sv[0], buf, 1)); /* times out: EAGAIN */
    tv.tv_usec = 2000000;
    T(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    T(getsockopt(1, SOL_SOCKET, SO_TYPE, &v, &len));
}

static void between_processes(void) {
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    pid_t p = fork();
    if (p == 0) {
        close(sv[0]);
        char b[64];
        long n;
        while ((n = read(sv[1], b, sizeof b)) > 0) {
            for (long i = 0; i < n; i++) b[i] ^= 0x20;
            write(sv[1], b, n);
        }
        _exit(0);
    }
    close(sv[1]);
    for (int i = 0; i < 50; i++) {
        char w[8], r[8];
        snprintf(w, sizeof w, "msg%02d", i);
        write(sv[0], w, 5);
        long n = read(sv[0], r, 5);
        if (n != 5 || r[0] != 'M') printf("round %d: %ld\n", i, n);
    }
    T(shutdown(sv[0], SHUT_WR));
    int st;
    T(waitpid(p, &st, 0) == p);
    T(WEXITSTATUS(st));
    T(read(sv[0], buf, sizeof buf));
}

static void capabilities(void) {
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    T(syscall(SYS_capget, &h, d));
    Y("root holds CAP_SETUID", d[0].effective & (1u << CAP_SETUID));
    Y("and CAP_KILL permitted", d[0].permitted & (1u << CAP_KILL));
    T(d[0].inheritable);
    h.version = 0x12345678;
    T(syscall(SYS_capget, &h, d));
    T(h.version == _LINUX_CAPABILITY_VERSION_3);
    h.version = 0;
    T(syscall(SYS_capget, &h, NULL));
    h.version = _LINUX_CAPABILITY_VERSION_1;
    h.pid = -1;
    T(syscall(SYS_capget, &h, d));
    h.pid = 99999;
    T(syscall(SYS_capget, &h, d));
    h.pid = 0;
    T(syscall(SYS_capget, WILD, d));
    T(syscall(SYS_capget, &h, WILD));
    fflush(stdout);
    if (fork() == 0) {
        setuid(1000);
        h.version = _LINUX_CAPABILITY_VERSION_3;
        syscall(SYS_capget, &h, d);
        printf("after setuid: effective %x permitted %x\n", d[0].effective, d[0].permitted);
        fflush(stdout);
        _exit(0);
    }
    wait(NULL);
}

/* socket(AF_UNIX): an end connected to nothing; connect finds no listener (paths that do not
 * exist or are not sockets, an abstract name nobody bound). */
static void unconnected_sockets(void) {
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    T(s);
    struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/no/such/dir/sock"};
    T(connect(s, (struct sockaddr *)&a, sizeof a));
    strcpy(a.sun_path, "/etc/passwd");
    T(connect(s, (struct sockaddr *)&a, sizeof a));
    T(connect(s, (struct sockaddr *)&a, 1));
    struct sockaddr_un ab = {.sun_family = AF_UNIX, .sun_path = "\0cryo-nobody-listens"};
    T(connect(s, (struct sockaddr *)&ab, offsetof(struct sockaddr_un, sun_path) + 1 + 20));
    a.sun_family = AF_INET;
    T(connect(s, (struct sockaddr *)&a, sizeof a));
    T(write(s, "x", 1));
    T(read(s, buf, 1));
    struct sockaddr_un got;
    socklen_t len = sizeof got;
    T(getpeername(s, (struct sockaddr *)&got, &len));
    T(getsockname(s, (struct sockaddr *)&got, &len));
    T(len);
    struct pollfd p = {s, POLLIN | POLLOUT, 0};
    T(poll(&p, 1, 0));
    T(p.revents);
    int d = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    T(send(d, "x", 1, 0));
    T(recv(d, buf, 1, 0));
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    T(connect(d, &unspec, sizeof unspec));
    int q = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    T(send(q, "x", 1, 0));
    T(recv(q, buf, 1, 0));
    T(socket(AF_UNIX, 99, 0));
    T(socket(AF_UNIX, SOCK_STREAM, 7));
    T(socket(-1, SOCK_STREAM, 0));
    T(socket(AF_UNIX, SOCK_STREAM | 0x100, 0));
    T(socket(AF_UNIX, 4, 0));
}

MAIN(K(args), K(stream_basics), K(stream_shutdown_and_close), K(sigpipe_on_stream_only), K(datagrams),
     K(seqpackets), K(nonblocking_fill), K(pass_files), K(credentials_and_names), K(between_processes),
     K(capabilities), K(unconnected_sockets))
