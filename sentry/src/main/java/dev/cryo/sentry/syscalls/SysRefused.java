package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EPERM;

import dev.cryo.sentry.abi.Sysno;

/**
 * Calls a sandbox refuses on purpose: they would reach past the sandbox (the host's kernel,
 * devices, clock, other processes) or need privileges the sandbox never grants. Each answers
 * EPERM, as Linux does for a process without the capability.
 */
final class SysRefused {
    private SysRefused() {}

    static void register(SyscallTable t) {
        t.error(Sysno.PTRACE, EPERM, "tracing is the Sentry's; not offered to the program");
        t.error(Sysno.MOUNT, EPERM, "mounts are fixed when the sandbox starts");
        t.error(Sysno.UMOUNT2, EPERM, "mounts are fixed when the sandbox starts");
        t.error(Sysno.PIVOT_ROOT, EPERM, "the root is fixed when the sandbox starts");
        t.error(Sysno.REBOOT, EPERM, "no CAP_SYS_BOOT");
        t.error(Sysno.KEXEC_LOAD, EPERM, "no CAP_SYS_BOOT");
        t.error(Sysno.KEXEC_FILE_LOAD, EPERM, "no CAP_SYS_BOOT");
        t.error(Sysno.INIT_MODULE, EPERM, "no kernel modules in a sandbox");
        t.error(Sysno.FINIT_MODULE, EPERM, "no kernel modules in a sandbox");
        t.error(Sysno.DELETE_MODULE, EPERM, "no kernel modules in a sandbox");
        t.error(Sysno.SWAPON, EPERM, "no CAP_SYS_ADMIN");
        t.error(Sysno.SWAPOFF, EPERM, "no CAP_SYS_ADMIN");
        t.error(Sysno.ACCT, EPERM, "no CAP_SYS_PACCT");
        t.error(Sysno.SETTIMEOFDAY, EPERM, "the clock is the host's");
        t.error(Sysno.CLOCK_SETTIME, EPERM, "the clock is the host's");
        t.error(Sysno.CLOCK_ADJTIME, EPERM, "the clock is the host's");
        t.error(Sysno.ADJTIMEX, EPERM, "the clock is the host's");
        t.error(Sysno.IOPL, EPERM, "no I/O port access");
        t.error(Sysno.IOPERM, EPERM, "no I/O port access");
        t.error(Sysno.SYSLOG, EPERM, "the kernel log is the host's");
        t.error(Sysno.VHANGUP, EPERM, "no CAP_SYS_TTY_CONFIG");
        t.error(Sysno.QUOTACTL, EPERM, "no disk quotas");
        t.error(Sysno.BPF, EPERM, "no eBPF");
        t.error(Sysno.PERF_EVENT_OPEN, EPERM, "no performance counters");
        t.error(Sysno.PROCESS_VM_READV, EPERM, "no access to other processes' memory");
        t.error(Sysno.PROCESS_VM_WRITEV, EPERM, "no access to other processes' memory");
        t.error(Sysno.KCMP, EPERM, "no comparison of kernel objects");
        t.error(Sysno.USERFAULTFD, EPERM, "no user-space fault handling");
        t.error(Sysno.OPEN_BY_HANDLE_AT, EPERM, "no CAP_DAC_READ_SEARCH");
        t.error(Sysno.LOOKUP_DCOOKIE, EPERM, "no CAP_SYS_ADMIN");
    }
}
