package dev.cryo.sentry.abi;

/**
 * The x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl), generated from the
 * kernel's uapi header; {@link #name} gives strace's name for a number.
 */
public final class Sysno {
    private Sysno() {}

    /** One past the highest number in the table. */
    public static final int TABLE_SIZE = 451;

    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int OPEN = 2;
    public static final int CLOSE = 3;
    public static final int STAT = 4;
    public static final int FSTAT = 5;
    public static final int LSTAT = 6;
    public static final int POLL = 7;
    public static final int LSEEK = 8;
    public static final int MMAP = 9;
    public static final int MPROTECT = 10;
    public static final int MUNMAP = 11;
    public static final int BRK = 12;
    public static final int RT_SIGACTION = 13;
    public static final int RT_SIGPROCMASK = 14;
    public static final int RT_SIGRETURN = 15;
    public static final int IOCTL = 16;
    public static final int PREAD64 = 17;
    public static final int PWRITE64 = 18;
    public static final int READV = 19;
    public static final int WRITEV = 20;
    public static final int ACCESS = 21;
    public static final int PIPE = 22;
    public static final int SELECT = 23;
    public static final int SCHED_YIELD = 24;
    public static final int MREMAP = 25;
    public static final int MSYNC = 26;
    public static final int MINCORE = 27;
    public static final int MADVISE = 28;
    public static final int SHMGET = 29;
    public static final int SHMAT = 30;
    public static final int SHMCTL = 31;
    public static final int DUP = 32;
    public static final int DUP2 = 33;
    public static final int PAUSE = 34;
    public static final int NANOSLEEP = 35;
    public static final int GETITIMER = 36;
    public static final int ALARM = 37;
    public static final int SETITIMER = 38;
    public static final int GETPID = 39;
    public static final int SENDFILE = 40;
    public static final int SOCKET = 41;
    public static final int CONNECT = 42;
    public static final int ACCEPT = 43;
    public static final int SENDTO = 44;
    public static final int RECVFROM = 45;
    public static final int SENDMSG = 46;
    public static final int RECVMSG = 47;
    public static final int SHUTDOWN = 48;
    public static final int BIND = 49;
    public static final int LISTEN = 50;
    public static final int GETSOCKNAME = 51;
    public static final int GETPEERNAME = 52;
    public static final int SOCKETPAIR = 53;
    public static final int SETSOCKOPT = 54;
    public static final int GETSOCKOPT = 55;
    public static final int CLONE = 56;
    public static final int FORK = 57;
    public static final int VFORK = 58;
    public static final int EXECVE = 59;
    public static final int EXIT = 60;
    public static final int WAIT4 = 61;
    public static final int KILL = 62;
    public static final int UNAME = 63;
    public static final int SEMGET = 64;
    public static final int SEMOP = 65;
    public static final int SEMCTL = 66;
    public static final int SHMDT = 67;
    public static final int MSGGET = 68;
    public static final int MSGSND = 69;
    public static final int MSGRCV = 70;
    public static final int MSGCTL = 71;
    public static final int FCNTL = 72;
    public static final int FLOCK = 73;
    public static final int FSYNC = 74;
    public static final int FDATASYNC = 75;
    public static final int TRUNCATE = 76;
    public static final int FTRUNCATE = 77;
    public static final int GETDENTS = 78;
    public static final int GETCWD = 79;
    public static final int CHDIR = 80;
    public static final int FCHDIR = 81;
    public static final int RENAME = 82;
    public static final int MKDIR = 83;
    public static final int RMDIR = 84;
    public static final int CREAT = 85;
    public static final int LINK = 86;
    public static final int UNLINK = 87;
    public static final int SYMLINK = 88;
    public static final int READLINK = 89;
    public static final int CHMOD = 90;
    public static final int FCHMOD = 91;
    public static final int CHOWN = 92;
    public static final int FCHOWN = 93;
    public static final int LCHOWN = 94;
    public static final int UMASK = 95;
    public static final int GETTIMEOFDAY = 96;
    public static final int GETRLIMIT = 97;
    public static final int GETRUSAGE = 98;
    public static final int SYSINFO = 99;
    public static final int TIMES = 100;
    public static final int PTRACE = 101;
    public static final int GETUID = 102;
    public static final int SYSLOG = 103;
    public static final int GETGID = 104;
    public static final int SETUID = 105;
    public static final int SETGID = 106;
    public static final int GETEUID = 107;
    public static final int GETEGID = 108;
    public static final int SETPGID = 109;
    public static final int GETPPID = 110;
    public static final int GETPGRP = 111;
    public static final int SETSID = 112;
    public static final int SETREUID = 113;
    public static final int SETREGID = 114;
    public static final int GETGROUPS = 115;
    public static final int SETGROUPS = 116;
    public static final int SETRESUID = 117;
    public static final int GETRESUID = 118;
    public static final int SETRESGID = 119;
    public static final int GETRESGID = 120;
    public static final int GETPGID = 121;
    public static final int SETFSUID = 122;
    public static final int SETFSGID = 123;
    public static final int GETSID = 124;
    public static final int CAPGET = 125;
    public static final int CAPSET = 126;
    public static final int RT_SIGPENDING = 127;
    public static final int RT_SIGTIMEDWAIT = 128;
    public static final int RT_SIGQUEUEINFO = 129;
    public static final int RT_SIGSUSPEND = 130;
    public static final int SIGALTSTACK = 131;
    public static final int UTIME = 132;
    public static final int MKNOD = 133;
    public static final int USELIB = 134;
    public static final int PERSONALITY = 135;
    public static final int USTAT = 136;
    public static final int STATFS = 137;
    public static final int FSTATFS = 138;
    public static final int SYSFS = 139;
    public static final int GETPRIORITY = 140;
    public static final int SETPRIORITY = 141;
    public static final int SCHED_SETPARAM = 142;
    public static final int SCHED_GETPARAM = 143;
    public static final int SCHED_SETSCHEDULER = 144;
    public static final int SCHED_GETSCHEDULER = 145;
    public static final int SCHED_GET_PRIORITY_MAX = 146;
    public static final int SCHED_GET_PRIORITY_MIN = 147;
    public static final int SCHED_RR_GET_INTERVAL = 148;
    public static final int MLOCK = 149;
    public static final int MUNLOCK = 150;
    public static final int MLOCKALL = 151;
    public static final int MUNLOCKALL = 152;
    public static final int VHANGUP = 153;
    public static final int MODIFY_LDT = 154;
    public static final int PIVOT_ROOT = 155;
    public static final int _SYSCTL = 156;
    public static final int PRCTL = 157;
    public static final int ARCH_PRCTL = 158;
    public static final int ADJTIMEX = 159;
    public static final int SETRLIMIT = 160;
    public static final int CHROOT = 161;
    public static final int SYNC = 162;
    public static final int ACCT = 163;
    public static final int SETTIMEOFDAY = 164;
    public static final int MOUNT = 165;
    public static final int UMOUNT2 = 166;
    public static final int SWAPON = 167;
    public static final int SWAPOFF = 168;
    public static final int REBOOT = 169;
    public static final int SETHOSTNAME = 170;
    public static final int SETDOMAINNAME = 171;
    public static final int IOPL = 172;
    public static final int IOPERM = 173;
    public static final int CREATE_MODULE = 174;
    public static final int INIT_MODULE = 175;
    public static final int DELETE_MODULE = 176;
    public static final int GET_KERNEL_SYMS = 177;
    public static final int QUERY_MODULE = 178;
    public static final int QUOTACTL = 179;
    public static final int NFSSERVCTL = 180;
    public static final int GETPMSG = 181;
    public static final int PUTPMSG = 182;
    public static final int AFS_SYSCALL = 183;
    public static final int TUXCALL = 184;
    public static final int SECURITY = 185;
    public static final int GETTID = 186;
    public static final int READAHEAD = 187;
    public static final int SETXATTR = 188;
    public static final int LSETXATTR = 189;
    public static final int FSETXATTR = 190;
    public static final int GETXATTR = 191;
    public static final int LGETXATTR = 192;
    public static final int FGETXATTR = 193;
    public static final int LISTXATTR = 194;
    public static final int LLISTXATTR = 195;
    public static final int FLISTXATTR = 196;
    public static final int REMOVEXATTR = 197;
    public static final int LREMOVEXATTR = 198;
    public static final int FREMOVEXATTR = 199;
    public static final int TKILL = 200;
    public static final int TIME = 201;
    public static final int FUTEX = 202;
    public static final int SCHED_SETAFFINITY = 203;
    public static final int SCHED_GETAFFINITY = 204;
    public static final int SET_THREAD_AREA = 205;
    public static final int IO_SETUP = 206;
    public static final int IO_DESTROY = 207;
    public static final int IO_GETEVENTS = 208;
    public static final int IO_SUBMIT = 209;
    public static final int IO_CANCEL = 210;
    public static final int GET_THREAD_AREA = 211;
    public static final int LOOKUP_DCOOKIE = 212;
    public static final int EPOLL_CREATE = 213;
    public static final int EPOLL_CTL_OLD = 214;
    public static final int EPOLL_WAIT_OLD = 215;
    public static final int REMAP_FILE_PAGES = 216;
    public static final int GETDENTS64 = 217;
    public static final int SET_TID_ADDRESS = 218;
    public static final int RESTART_SYSCALL = 219;
    public static final int SEMTIMEDOP = 220;
    public static final int FADVISE64 = 221;
    public static final int TIMER_CREATE = 222;
    public static final int TIMER_SETTIME = 223;
    public static final int TIMER_GETTIME = 224;
    public static final int TIMER_GETOVERRUN = 225;
    public static final int TIMER_DELETE = 226;
    public static final int CLOCK_SETTIME = 227;
    public static final int CLOCK_GETTIME = 228;
    public static final int CLOCK_GETRES = 229;
    public static final int CLOCK_NANOSLEEP = 230;
    public static final int EXIT_GROUP = 231;
    public static final int EPOLL_WAIT = 232;
    public static final int EPOLL_CTL = 233;
    public static final int TGKILL = 234;
    public static final int UTIMES = 235;
    public static final int VSERVER = 236;
    public static final int MBIND = 237;
    public static final int SET_MEMPOLICY = 238;
    public static final int GET_MEMPOLICY = 239;
    public static final int MQ_OPEN = 240;
    public static final int MQ_UNLINK = 241;
    public static final int MQ_TIMEDSEND = 242;
    public static final int MQ_TIMEDRECEIVE = 243;
    public static final int MQ_NOTIFY = 244;
    public static final int MQ_GETSETATTR = 245;
    public static final int KEXEC_LOAD = 246;
    public static final int WAITID = 247;
    public static final int ADD_KEY = 248;
    public static final int REQUEST_KEY = 249;
    public static final int KEYCTL = 250;
    public static final int IOPRIO_SET = 251;
    public static final int IOPRIO_GET = 252;
    public static final int INOTIFY_INIT = 253;
    public static final int INOTIFY_ADD_WATCH = 254;
    public static final int INOTIFY_RM_WATCH = 255;
    public static final int MIGRATE_PAGES = 256;
    public static final int OPENAT = 257;
    public static final int MKDIRAT = 258;
    public static final int MKNODAT = 259;
    public static final int FCHOWNAT = 260;
    public static final int FUTIMESAT = 261;
    public static final int NEWFSTATAT = 262;
    public static final int UNLINKAT = 263;
    public static final int RENAMEAT = 264;
    public static final int LINKAT = 265;
    public static final int SYMLINKAT = 266;
    public static final int READLINKAT = 267;
    public static final int FCHMODAT = 268;
    public static final int FACCESSAT = 269;
    public static final int PSELECT6 = 270;
    public static final int PPOLL = 271;
    public static final int UNSHARE = 272;
    public static final int SET_ROBUST_LIST = 273;
    public static final int GET_ROBUST_LIST = 274;
    public static final int SPLICE = 275;
    public static final int TEE = 276;
    public static final int SYNC_FILE_RANGE = 277;
    public static final int VMSPLICE = 278;
    public static final int MOVE_PAGES = 279;
    public static final int UTIMENSAT = 280;
    public static final int EPOLL_PWAIT = 281;
    public static final int SIGNALFD = 282;
    public static final int TIMERFD_CREATE = 283;
    public static final int EVENTFD = 284;
    public static final int FALLOCATE = 285;
    public static final int TIMERFD_SETTIME = 286;
    public static final int TIMERFD_GETTIME = 287;
    public static final int ACCEPT4 = 288;
    public static final int SIGNALFD4 = 289;
    public static final int EVENTFD2 = 290;
    public static final int EPOLL_CREATE1 = 291;
    public static final int DUP3 = 292;
    public static final int PIPE2 = 293;
    public static final int INOTIFY_INIT1 = 294;
    public static final int PREADV = 295;
    public static final int PWRITEV = 296;
    public static final int RT_TGSIGQUEUEINFO = 297;
    public static final int PERF_EVENT_OPEN = 298;
    public static final int RECVMMSG = 299;
    public static final int FANOTIFY_INIT = 300;
    public static final int FANOTIFY_MARK = 301;
    public static final int PRLIMIT64 = 302;
    public static final int NAME_TO_HANDLE_AT = 303;
    public static final int OPEN_BY_HANDLE_AT = 304;
    public static final int CLOCK_ADJTIME = 305;
    public static final int SYNCFS = 306;
    public static final int SENDMMSG = 307;
    public static final int SETNS = 308;
    public static final int GETCPU = 309;
    public static final int PROCESS_VM_READV = 310;
    public static final int PROCESS_VM_WRITEV = 311;
    public static final int KCMP = 312;
    public static final int FINIT_MODULE = 313;
    public static final int SCHED_SETATTR = 314;
    public static final int SCHED_GETATTR = 315;
    public static final int RENAMEAT2 = 316;
    public static final int SECCOMP = 317;
    public static final int GETRANDOM = 318;
    public static final int MEMFD_CREATE = 319;
    public static final int KEXEC_FILE_LOAD = 320;
    public static final int BPF = 321;
    public static final int EXECVEAT = 322;
    public static final int USERFAULTFD = 323;
    public static final int MEMBARRIER = 324;
    public static final int MLOCK2 = 325;
    public static final int COPY_FILE_RANGE = 326;
    public static final int PREADV2 = 327;
    public static final int PWRITEV2 = 328;
    public static final int PKEY_MPROTECT = 329;
    public static final int PKEY_ALLOC = 330;
    public static final int PKEY_FREE = 331;
    public static final int STATX = 332;
    public static final int IO_PGETEVENTS = 333;
    public static final int RSEQ = 334;
    public static final int PIDFD_SEND_SIGNAL = 424;
    public static final int IO_URING_SETUP = 425;
    public static final int IO_URING_ENTER = 426;
    public static final int IO_URING_REGISTER = 427;
    public static final int OPEN_TREE = 428;
    public static final int MOVE_MOUNT = 429;
    public static final int FSOPEN = 430;
    public static final int FSCONFIG = 431;
    public static final int FSMOUNT = 432;
    public static final int FSPICK = 433;
    public static final int PIDFD_OPEN = 434;
    public static final int CLONE3 = 435;
    public static final int CLOSE_RANGE = 436;
    public static final int OPENAT2 = 437;
    public static final int PIDFD_GETFD = 438;
    public static final int FACCESSAT2 = 439;
    public static final int PROCESS_MADVISE = 440;
    public static final int EPOLL_PWAIT2 = 441;
    public static final int MOUNT_SETATTR = 442;
    public static final int QUOTACTL_FD = 443;
    public static final int LANDLOCK_CREATE_RULESET = 444;
    public static final int LANDLOCK_ADD_RULE = 445;
    public static final int LANDLOCK_RESTRICT_SELF = 446;
    public static final int MEMFD_SECRET = 447;
    public static final int PROCESS_MRELEASE = 448;
    public static final int FUTEX_WAITV = 449;
    public static final int SET_MEMPOLICY_HOME_NODE = 450;

    /** The names in number order, one word each, "-" where the table has a gap. */
    private static final String[] NAMES = (
            "read write open close stat fstat lstat poll lseek mmap mprotect munmap brk rt_sigaction "
            + "rt_sigprocmask rt_sigreturn ioctl pread64 pwrite64 readv writev access pipe select "
            + "sched_yield mremap msync mincore madvise shmget shmat shmctl dup dup2 pause nanosleep "
            + "getitimer alarm setitimer getpid sendfile socket connect accept sendto recvfrom sendmsg "
            + "recvmsg shutdown bind listen getsockname getpeername socketpair setsockopt getsockopt "
            + "clone fork vfork execve exit wait4 kill uname semget semop semctl shmdt msgget msgsnd "
            + "msgrcv msgctl fcntl flock fsync fdatasync truncate ftruncate getdents getcwd chdir "
            + "fchdir rename mkdir rmdir creat link unlink symlink readlink chmod fchmod chown fchown "
            + "lchown umask gettimeofday getrlimit getrusage sysinfo times ptrace getuid syslog getgid "
            + "setuid setgid geteuid getegid setpgid getppid getpgrp setsid setreuid setregid "
            + "getgroups setgroups setresuid getresuid setresgid getresgid getpgid setfsuid setfsgid "
            + "getsid capget capset rt_sigpending rt_sigtimedwait rt_sigqueueinfo rt_sigsuspend "
            + "sigaltstack utime mknod uselib personality ustat statfs fstatfs sysfs getpriority "
            + "setpriority sched_setparam sched_getparam sched_setscheduler sched_getscheduler "
            + "sched_get_priority_max sched_get_priority_min sched_rr_get_interval mlock munlock "
            + "mlockall munlockall vhangup modify_ldt pivot_root _sysctl prctl arch_prctl adjtimex "
            + "setrlimit chroot sync acct settimeofday mount umount2 swapon swapoff reboot sethostname "
            + "setdomainname iopl ioperm create_module init_module delete_module get_kernel_syms "
            + "query_module quotactl nfsservctl getpmsg putpmsg afs_syscall tuxcall security gettid "
            + "readahead setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr "
            + "llistxattr flistxattr removexattr lremovexattr fremovexattr tkill time futex "
            + "sched_setaffinity sched_getaffinity set_thread_area io_setup io_destroy io_getevents "
            + "io_submit io_cancel get_thread_area lookup_dcookie epoll_create epoll_ctl_old "
            + "epoll_wait_old remap_file_pages getdents64 set_tid_address restart_syscall semtimedop "
            + "fadvise64 timer_create timer_settime timer_gettime timer_getoverrun timer_delete "
            + "clock_settime clock_gettime clock_getres clock_nanosleep exit_group epoll_wait "
            + "epoll_ctl tgkill utimes vserver mbind set_mempolicy get_mempolicy mq_open mq_unlink "
            + "mq_timedsend mq_timedreceive mq_notify mq_getsetattr kexec_load waitid add_key "
            + "request_key keyctl ioprio_set ioprio_get inotify_init inotify_add_watch "
            + "inotify_rm_watch migrate_pages openat mkdirat mknodat fchownat futimesat newfstatat "
            + "unlinkat renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll unshare "
            + "set_robust_list get_robust_list splice tee sync_file_range vmsplice move_pages "
            + "utimensat epoll_pwait signalfd timerfd_create eventfd fallocate timerfd_settime "
            + "timerfd_gettime accept4 signalfd4 eventfd2 epoll_create1 dup3 pipe2 inotify_init1 "
            + "preadv pwritev rt_tgsigqueueinfo perf_event_open recvmmsg fanotify_init fanotify_mark "
            + "prlimit64 name_to_handle_at open_by_handle_at clock_adjtime syncfs sendmmsg setns "
            + "getcpu process_vm_readv process_vm_writev kcmp finit_module sched_setattr sched_getattr "
            + "renameat2 seccomp getrandom memfd_create kexec_file_load bpf execveat userfaultfd "
            + "membarrier mlock2 copy_file_range preadv2 pwritev2 pkey_mprotect pkey_alloc pkey_free "
            + "statx io_pgetevents rseq - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - "
            + "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - "
            + "- - - - - - - - - - - - - - pidfd_send_signal io_uring_setup io_uring_enter "
            + "io_uring_register open_tree move_mount fsopen fsconfig fsmount fspick pidfd_open clone3 "
            + "close_range openat2 pidfd_getfd faccessat2 process_madvise epoll_pwait2 mount_setattr "
            + "quotactl_fd landlock_create_ruleset landlock_add_rule landlock_restrict_self "
            + "memfd_secret process_mrelease futex_waitv set_mempolicy_home_node").split(" ");

    /** The syscall's name, or {@code syscall_NNN} for a number with none. */
    public static String name(long nr) {
        if (nr >= 0 && nr < NAMES.length && !NAMES[(int) nr].equals("-")) return NAMES[(int) nr];
        return "syscall_" + nr;
    }

    /** Number of named syscalls in the x86-64 table. */
    public static int namedCount() {
        int c = 0;
        for (String s : NAMES) if (!s.equals("-")) c++;
        return c;
    }
}
