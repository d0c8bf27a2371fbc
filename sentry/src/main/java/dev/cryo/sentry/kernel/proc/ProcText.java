package dev.cryo.sentry.kernel.proc;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.ThreadGroup;
import dev.cryo.sentry.mm.MemoryManager;
import dev.cryo.sentry.mm.Vma;
import dev.cryo.sentry.vfs.Stat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The text of each /proc file, in Linux's formats (fs/proc/array.c, task_mmu.c, meminfo.c,
 * stat.c). What the Sentry does not track is given as Linux gives it for an idle, unswapped
 * task: zero faults, no context switches, every page resident.
 */
final class ProcText {
    private ProcText() {}

    /** USER_HZ: the unit of times in /proc/PID/stat and /proc/stat. */
    private static final long HZ = 100;
    private static final long PAGE = 4096;
    private static final int NSIG = 64;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] mounts() {
        return ascii("cryo / cryo ro,relatime 0 0\n"
                + "cryo /dev cryo rw,nosuid,relatime 0 0\n"
                + "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
    }

    /**
     * show_mountinfo for the tree's three mounts; each one's device is what stat(2) reports for
     * its files, which is how df and findmnt match a file to its mount.
     */
    private static byte[] mountinfo(Kernel k) {
        StringBuilder b = new StringBuilder();
        String[][] mounts = {{"/", "ro,relatime", "cryo", "cryo", "ro"}, {"/dev", "rw,nosuid,relatime", "cryo", "cryo", "rw"},
            {"/proc", "rw,nosuid,nodev,noexec,relatime", "proc", "proc", "rw"}};
        for (int i = 0; i < mounts.length; i++) {
            String[] m = mounts[i];
            long dev;
            try {
                dev = java.nio.ByteBuffer.wrap(k.vfs().stat("/", m[0], true)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
            } catch (SyscallError e) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%d %d %d:%d / %s %s - %s %s %s%n", i + 1, 1, Stat.major(dev), Stat.minor(dev),
                    m[0], m[1], m[2], m[3], m[4]));
        }
        return ascii(b.toString());
    }

    /** The system-wide files. */
    static byte[] system(String name, Kernel k) {
        switch (name) {
            case "cpuinfo":
            case "meminfo":
                // The host's, as sysinfo(2) and sched_getaffinity(2) report its memory and CPUs.
                return host("/proc/" + name);
            case "uptime": {
                double up = k.uptimeNanos() / 1e9;
                return ascii(String.format(Locale.ROOT, "%.2f %.2f%n", up, 0.0));
            }
            case "loadavg": {
                int running = 0, all = 0;
                for (Task t : k.tasks().values()) {
                    if (t.exited()) continue;
                    all++;
                    if (t == Task.current()) running++;
                }
                return ascii(String.format(Locale.ROOT, "0.00 0.00 0.00 %d/%d %d%n", running, all, k.lastPid()));
            }
            case "stat":
                return systemStat(k);
            case "version":
                return ascii("Linux version " + Kernel.RELEASE + " (cryo@cryo) (cryo) " + Kernel.VERSION + "\n");
            case "filesystems":
                return ascii("nodev\tproc\nnodev\tcryo\n");
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static byte[] host(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static byte[] systemStat(Kernel k) {
        long busy = 0;
        int procs = 0;
        for (Task t : k.tasks().values()) {
            busy += t.cpuTimeNanos();
            if (!t.exited()) procs++;
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        long up = k.uptimeNanos() * HZ / 1_000_000_000L, user = busy * HZ / 1_000_000_000L;
        long idle = Math.max(0, up * cpus - user);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "cpu  %d 0 0 %d 0 0 0 0 0 0%n", user, idle));
        for (int c = 0; c < cpus; c++) {
            b.append(String.format(Locale.ROOT, "cpu%d %d 0 0 %d 0 0 0 0 0 0%n", c, user / cpus, idle / cpus));
        }
        b.append("intr 0\nctxt 0\n");
        b.append("btime ").append(k.bootRealtimeNanos() / 1_000_000_000L).append('\n');
        b.append("processes ").append(k.lastPid()).append('\n');
        b.append("procs_running 1\nprocs_blocked 0\n");
        b.append("softirq 0 0 0 0 0 0 0 0 0 0 0\n");
        return ascii(b.toString());
    }

    /** A process's (or a thread's) files; {@code t} null for a zombie. */
    static byte[] process(String name, Kernel k, ThreadGroup g, Task t) {
        switch (name) {
            case "cmdline":
                return t == null ? new byte[0] : strings(t.mm(), 0);
            case "environ":
                return t == null ? new byte[0] : strings(t.mm(), 2);
            case "comm":
                return ascii((t == null ? "" : t.comm()) + "\n");
            case "maps":
                return t == null ? new byte[0] : maps(t.mm());
            case "mounts":
                return mounts();
            case "mountinfo":
                return mountinfo(k);
            case "stat":
                return ascii(stat(k, g, t));
            case "statm": {
                long pages = t == null ? 0 : size(t.mm()) / PAGE;
                return ascii(String.format(Locale.ROOT, "%d %d 0 0 0 %d 0%n", pages, pages, pages));
            }
            case "status":
                return ascii(status(k, g, t));
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /** argv (which 0) or envp (which 2) as the process's memory holds them now (a program may rewrite them). */
    private static byte[] strings(MemoryManager mm, int which) {
        long[] r = mm.argEnv();
        long from = r[which], to = r[which + 1];
        if (from == 0 || to <= from || to - from > 1 << 20) return new byte[0];
        try {
            return mm.usermem().read(from, (int) (to - from));
        } catch (SyscallError e) {
            return new byte[0]; // unmapped since: Linux shows nothing either
        }
    }

    private static long size(MemoryManager mm) {
        long n = 0;
        for (Vma v : mm.vmas()) n += v.end() - v.start();
        return n;
    }

    /** show_map_vma: "start-end perms offset dev inode", the name at column 73. */
    private static byte[] maps(MemoryManager mm) {
        StringBuilder b = new StringBuilder();
        for (Vma v : mm.vmas()) {
            int at = b.length();
            int p = v.prot();
            b.append(String.format(Locale.ROOT, "%08x-%08x %c%c%c%c %08x 00:00 0", v.start(), v.end(),
                    (p & 1) != 0 ? 'r' : '-', (p & 2) != 0 ? 'w' : '-', (p & 4) != 0 ? 'x' : '-',
                    v.shared() ? 's' : 'p', 0));
            String name = v.name();
            if (name != null && !name.isEmpty()) {
                while (b.length() - at < 73) b.append(' ');
                b.append(name);
            }
            b.append('\n');
        }
        return ascii(b.toString());
    }

    private static char state(ThreadGroup g, Task t) {
        if (g.zombie() || t == null) return 'Z';
        return t == Task.current() ? 'R' : 'S';
    }

    private static String stateName(char s) {
        return s == 'R' ? "R (running)" : s == 'Z' ? "Z (zombie)" : "S (sleeping)";
    }

    /** do_task_stat: the 52 fields; what is not tracked is 0. */
    private static String stat(Kernel k, ThreadGroup g, Task t) {
        long ticks = t == null ? 0 : t.cpuTimeNanos() * HZ / 1_000_000_000L;
        long vsize = t == null ? 0 : size(t.mm());
        long[] ae = t == null ? new long[4] : t.mm().argEnv();
        int threads = 0;
        for (Task x : g.threads()) if (!x.exited()) threads++;
        String comm = t == null ? "" : t.comm();
        int pid = t != null ? t.tid() : g.tgid();
        long blocked = t == null ? 0 : t.signalMask();
        long[] ic = t == null ? new long[2] : ignoredCaught(t);
        int nice = t == null ? 0 : t.nice();
        return String.format(Locale.ROOT,
                "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 %d 0 0 0 %d %d %d 0 %d %d %d 18446744073709551615 0 0 0 0 0 0 "
                        + "%d %d %d 0 0 0 17 0 0 0 0 0 0 0 0 0 %d %d %d %d 0%n",
                pid, comm, state(g, t), g.ppid(), g.pgid(), g.sid(), ticks, 20 + nice, nice, Math.max(threads, 1),
                t == null ? 0 : t.startedAt() * HZ / 1_000_000_000L, vsize, vsize / PAGE, blocked, ic[0], ic[1], ae[0], ae[1], ae[2], ae[3]);
    }

    /** The signals whose disposition is SIG_IGN and those with a handler, as bit sets (bit n-1 for signal n). */
    private static long[] ignoredCaught(Task t) {
        long ign = 0, cgt = 0;
        for (int sig = 1; sig <= NSIG; sig++) {
            long h = t.action(sig).handler;
            if (h == 1) ign |= 1L << (sig - 1);
            else if (h != 0) cgt |= 1L << (sig - 1);
        }
        return new long[] {ign, cgt};
    }

    /** proc_pid_status, the fields programs read (Name, State, Pid, PPid, Uid, Gid, Vm*, Threads, Sig*, Cap*). */
    private static String status(Kernel k, ThreadGroup g, Task t) {
        StringBuilder b = new StringBuilder();
        char s = state(g, t);
        b.append("Name:\t").append(t == null ? "" : t.comm()).append('\n');
        b.append(String.format(Locale.ROOT, "Umask:\t%04o%n", t == null ? 022 : t.fs().umask()));
        b.append("State:\t").append(stateName(s)).append('\n');
        b.append("Tgid:\t").append(g.tgid()).append("\nNgid:\t0\n");
        b.append("Pid:\t").append(t != null ? t.tid() : g.tgid()).append('\n');
        b.append("PPid:\t").append(g.ppid()).append("\nTracerPid:\t0\n");
        if (t != null) {
            var c = t.creds();
            b.append(String.format(Locale.ROOT, "Uid:\t%d\t%d\t%d\t%d%nGid:\t%d\t%d\t%d\t%d%n", c.ruid, c.euid, c.suid, c.fsuid,
                    c.rgid, c.egid, c.sgid, c.fsgid));
            b.append("FDSize:\t").append(Math.max(64, t.fds().limit())).append("\nGroups:\t");
            for (int i = 0; i < c.groups.length; i++) b.append(i == 0 ? "" : " ").append(c.groups[i]);
            b.append(" \n");
            long kb = size(t.mm()) / 1024;
            for (String f : new String[] {"VmPeak", "VmSize"}) b.append(String.format(Locale.ROOT, "%s:\t%8d kB%n", f, kb));
            b.append(String.format(Locale.ROOT, "VmLck:\t%8d kB%nVmPin:\t%8d kB%n", 0, 0));
            for (String f : new String[] {"VmHWM", "VmRSS"}) b.append(String.format(Locale.ROOT, "%s:\t%8d kB%n", f, kb));
            b.append(String.format(Locale.ROOT, "VmSwap:\t%8d kB%n", 0));
        }
        int threads = 0;
        for (Task x : g.threads()) if (!x.exited()) threads++;
        b.append("Threads:\t").append(threads).append('\n');
        long[] ic = t == null ? new long[2] : ignoredCaught(t);
        b.append(String.format(Locale.ROOT, "SigQ:\t0/%d%n", 127_590));
        b.append(String.format(Locale.ROOT, "SigPnd:\t%016x%nShdPnd:\t%016x%nSigBlk:\t%016x%nSigIgn:\t%016x%nSigCgt:\t%016x%n",
                t == null ? 0 : t.pendingSignals(), 0, t == null ? 0 : t.signalMask(), ic[0], ic[1]));
        long caps = t != null && t.creds().euid == 0 ? 0x1ffffffffffL : 0;
        b.append(String.format(Locale.ROOT, "CapInh:\t%016x%nCapPrm:\t%016x%nCapEff:\t%016x%nCapBnd:\t%016x%nCapAmb:\t%016x%n",
                0, caps, caps, 0x1ffffffffffL, 0));
        b.append("NoNewPrivs:\t0\nSeccomp:\t0\n");
        long affinity = t == null ? 0 : t.affinity();
        b.append(String.format(Locale.ROOT, "Cpus_allowed:\t%x%nCpus_allowed_list:\t%s%n", affinity, cpuList(affinity)));
        b.append("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
        return b.toString();
    }

    /** A CPU mask as a list ("0-1", "0,2"). */
    static String cpuList(long mask) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < 64; c++) {
            if ((mask & (1L << c)) == 0) continue;
            int end = c;
            while (end + 1 < 64 && (mask & (1L << (end + 1))) != 0) end++;
            if (b.length() > 0) b.append(',');
            b.append(c);
            if (end > c) b.append('-').append(end);
            c = end;
        }
        return b.toString();
    }
}
