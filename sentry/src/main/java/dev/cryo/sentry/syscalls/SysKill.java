package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Errno.ESRCH;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIGNAL;

import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Credentials;
import dev.cryo.sentry.kernel.SigInfo;
import dev.cryo.sentry.kernel.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sending signals: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo (kernel/signal.c
 * kill_something_info, do_send_specific). Targets are looked up in the kernel's task table, so
 * these work for any number of processes. Process groups: each process is its own group until
 * process groups exist (getpgid(2) says the same).
 */
final class SysKill {
    private SysKill() {}

    static void register(SyscallTable t) {
        t.supported(Sysno.KILL, SysKill::kill, INT, SIGNAL);
        t.supported(Sysno.TKILL, SysKill::tkill, INT, SIGNAL);
        t.supported(Sysno.TGKILL, SysKill::tgkill, INT, INT, SIGNAL);
        t.supported(Sysno.RT_SIGQUEUEINFO, SysKill::rtSigqueueinfo, INT, SIGNAL, PTR);
        t.supported(Sysno.RT_TGSIGQUEUEINFO, SysKill::rtTgsigqueueinfo, INT, INT, SIGNAL, PTR);
    }

    /** Implements Linux kill(2). */
    static long kill(Task t) {
        int pid = t.intArg(0), sig = t.intArg(1);
        SigInfo info = SigInfo.user(sig, SigInfo.SI_USER, t.tgid(), t.creds().ruid);
        if (pid > 0) {
            Task leader = process(t, pid);
            if (leader == null) throw SyscallError.of(ESRCH);
            sendGroup(t, leader, sig, info);
            return 0;
        }
        if (pid == Integer.MIN_VALUE) throw SyscallError.of(ESRCH);
        List<Task> targets = new ArrayList<>();
        if (pid == -1) {
            // Every process but the namespace's init and the caller's own (kill_something_info).
            for (Task p : processes(t).values()) if (p.tgid() > 1 && p.tgid() != t.tgid()) targets.add(p);
        } else {
            int pgid = pid == 0 ? t.tgid() : -pid; // each process leads its own group for now
            for (Task p : processes(t).values()) if (p.tgid() == pgid) targets.add(p);
        }
        if (targets.isEmpty()) throw SyscallError.of(ESRCH);
        SyscallError last = null;
        boolean any = false;
        for (Task p : targets) {
            try {
                sendGroup(t, p, sig, info);
                any = true;
            } catch (SyscallError e) {
                last = e;
            }
        }
        if (!any && last != null) throw last;
        return 0;
    }

    /** Implements Linux tkill(2). */
    static long tkill(Task t) {
        int tid = t.intArg(0);
        if (tid <= 0) throw SyscallError.of(EINVAL);
        return specific(t, 0, tid, t.intArg(1), null);
    }

    /** Implements Linux tgkill(2). */
    static long tgkill(Task t) {
        int tgid = t.intArg(0), tid = t.intArg(1);
        if (tid <= 0 || tgid <= 0) throw SyscallError.of(EINVAL);
        return specific(t, tgid, tid, t.intArg(2), null);
    }

    /** Implements Linux rt_sigqueueinfo(2): the caller may pass a kernel si_code only to itself. */
    static long rtSigqueueinfo(Task t) {
        int pid = t.intArg(0), sig = t.intArg(1);
        SigInfo info = SigInfo.fromUser(sig, t.mm().usermem().read(t.arg(2), SigInfo.SIZE));
        if ((info.code() >= 0 || info.code() == SigInfo.SI_TKILL) && pid != t.tgid()) throw SyscallError.of(EPERM);
        Task leader = pid > 0 ? process(t, pid) : null;
        if (leader == null) throw SyscallError.of(ESRCH);
        sendGroup(t, leader, sig, info);
        return 0;
    }

    /** Implements Linux rt_tgsigqueueinfo(2). */
    static long rtTgsigqueueinfo(Task t) {
        int tgid = t.intArg(0), tid = t.intArg(1), sig = t.intArg(2);
        if (tid <= 0 || tgid <= 0) throw SyscallError.of(EINVAL);
        SigInfo info = SigInfo.fromUser(sig, t.mm().usermem().read(t.arg(3), SigInfo.SIZE));
        if ((info.code() >= 0 || info.code() == SigInfo.SI_TKILL) && tid != t.tid()) throw SyscallError.of(EPERM);
        return specific(t, tgid, tid, sig, info);
    }

    /** do_send_specific: one thread, checked against its thread group if {@code tgid} > 0. */
    private static long specific(Task t, int tgid, int tid, int sig, SigInfo given) {
        Task target = t.kernel().tasks().get(tid);
        if (target == null || target.exited() || (tgid > 0 && target.tgid() != tgid)) throw SyscallError.of(ESRCH);
        check(t, target, sig);
        if (sig == 0) return 0;
        SigInfo info = given != null ? given : SigInfo.user(sig, SigInfo.SI_TKILL, t.tgid(), t.creds().ruid);
        if (!t.kernel().sendSignal(target, info)) throw SyscallError.of(EAGAIN);
        return 0;
    }

    private static void sendGroup(Task t, Task leader, int sig, SigInfo info) {
        check(t, leader, sig);
        if (sig == 0) return;
        if (!t.kernel().sendToThreadGroup(leader, info)) throw SyscallError.of(EAGAIN);
    }

    /** check_kill_permission: a valid signal, and the sender may signal the target (same process, uid, or root). */
    static void check(Task sender, Task target, int sig) {
        if (sig < 0 || sig > Signals.NSIG) throw SyscallError.of(EINVAL);
        if (sender.tgid() == target.tgid()) return;
        Credentials s = sender.creds(), r = target.creds();
        if (s.euid == 0) return; // root of the sandbox holds CAP_KILL in it
        if (s.euid == r.suid || s.euid == r.ruid || s.ruid == r.suid || s.ruid == r.ruid) return;
        throw SyscallError.of(EPERM);
    }

    /** One live task per process, by tgid (its leader if alive). */
    private static Map<Integer, Task> processes(Task t) {
        Map<Integer, Task> out = new LinkedHashMap<>();
        for (Task x : t.kernel().tasks().values()) {
            if (x.exited()) continue;
            Task cur = out.get(x.tgid());
            if (cur == null || x.tid() == x.tgid()) out.put(x.tgid(), x);
        }
        return out;
    }

    private static Task process(Task t, int pid) {
        return processes(t).get(pid);
    }
}
