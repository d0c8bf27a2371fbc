package dev.cryo.sentry.kernel.proc;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.ENOENT;
import static dev.cryo.sentry.abi.Errno.ENOTDIR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.ThreadGroup;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.ProcFiles;
import dev.cryo.serializer.Savable;
import java.util.ArrayList;
import java.util.List;

/**
 * The Sentry's /proc: made up from the kernel's state at each lookup, so it holds nothing of
 * its own and is saved as a reference to the kernel. Served:
 * <ul>
 *   <li>{@code /proc/self}, {@code /proc/thread-self}, and a directory per process (its pid;
 *       a thread's tid works too, unlisted, as on Linux) with {@code exe}, {@code cwd},
 *       {@code root}, {@code fd/}, {@code task/}, {@code cmdline}, {@code environ},
 *       {@code comm}, {@code stat}, {@code statm}, {@code status}, {@code maps},
 *       {@code mounts}, {@code mountinfo};</li>
 *   <li>{@code cpuinfo}, {@code meminfo} (the host's, as sysinfo(2) reports the host's
 *       memory), {@code uptime}, {@code loadavg}, {@code stat}, {@code version},
 *       {@code filesystems}, {@code mounts}.</li>
 * </ul>
 * A symbolic link here leads into the tree ({@code exe}, {@code cwd}, a file's descriptor) or
 * to the open description itself (a pipe, the cryo process's stdio: reopened, as Linux does).
 */
@Savable
public final class ProcFilesystem implements ProcFiles {
    private static final String[] SYSTEM_FILES = {"cpuinfo", "filesystems", "loadavg", "meminfo", "stat", "uptime", "version"};
    private static final String[] PROCESS_FILES = {"cmdline", "comm", "environ", "maps", "mountinfo", "mounts", "stat", "statm", "status"};
    private static final String[] PROCESS_LINKS = {"cwd", "exe", "root"};

    private Kernel kernel;

    public ProcFilesystem(Kernel kernel) {
        this.kernel = kernel;
    }

    /** For Kryo. */
    private ProcFilesystem() {}

    private static SyscallError enoent() {
        return SyscallError.of(ENOENT);
    }

    @Override
    public Node lookup(String clean, boolean follow) {
        List<String> parts = clean.equals("/proc") ? List.of() : List.of(clean.substring("/proc/".length()).split("/"));
        if (parts.isEmpty()) return ProcNode.dir(this, "/proc", 0555, 0, 0, this::rootEntries);
        String name = parts.get(0);
        List<String> rest = parts.subList(1, parts.size());
        Task self = Task.current();
        switch (name) {
            case "self":
            case "thread-self": {
                if (self == null) throw enoent();
                boolean thread = name.equals("thread-self");
                String target = thread ? self.tgid() + "/task/" + self.tid() : Integer.toString(self.tgid());
                if (rest.isEmpty() && !follow) return ProcNode.link("/proc/" + name, 0777, 0, 0, target);
                return process(self.group(), thread ? self : null, rest, follow);
            }
            case "mounts":
                if (!rest.isEmpty()) throw SyscallError.of(ENOTDIR);
                if (!follow) return ProcNode.link("/proc/mounts", 0777, 0, 0, "self/mounts");
                return ProcNode.file("/proc/mounts", 0444, 0, 0, ProcText::mounts);
            default:
                break;
        }
        for (String f : SYSTEM_FILES) {
            if (f.equals(name)) {
                if (!rest.isEmpty()) throw SyscallError.of(ENOTDIR);
                return ProcNode.file("/proc/" + name, 0444, 0, 0, () -> ProcText.system(name, kernel));
            }
        }
        int pid = number(name);
        if (pid > 0) {
            ThreadGroup g = kernel.process(pid);
            if (g != null) return process(g, null, rest, follow);
            Task t = kernel.tasks().get(pid);
            if (t != null) return process(t.group(), t, rest, follow);
        }
        throw enoent();
    }

    /** The entries of directory {@code path} (canonical, under /proc) as they are now; ENOENT if it is gone. */
    List<ProcNode.Entry> entries(String path) {
        Node n = lookup(path, true);
        return n instanceof ProcNode p ? p.entries() : List.of();
    }

    /** A decimal pid as Linux's name_to_int takes it (no sign, no leading zero), or -1. */
    private static int number(String s) {
        if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        return Integer.parseInt(s);
    }

    private List<ProcNode.Entry> rootEntries() {
        List<ProcNode.Entry> out = new ArrayList<>();
        out.add(new ProcNode.Entry(".", ProcDir.DT_DIR, ProcNode.ino("/proc")));
        out.add(new ProcNode.Entry("..", ProcDir.DT_DIR, 2));
        for (String f : SYSTEM_FILES) out.add(new ProcNode.Entry(f, ProcDir.DT_REG, ProcNode.ino("/proc/" + f)));
        for (String l : new String[] {"mounts", "self", "thread-self"}) {
            out.add(new ProcNode.Entry(l, ProcDir.DT_LNK, ProcNode.ino("/proc/" + l)));
        }
        for (int pid : kernel.processes().keySet()) {
            out.add(new ProcNode.Entry(Integer.toString(pid), ProcDir.DT_DIR, ProcNode.ino("/proc/" + pid)));
        }
        return out;
    }

    /** /proc/PID (or /proc/PID/task/TID, when {@code thread} is given) and what lies below it. */
    private Node process(ThreadGroup g, Task thread, List<String> rest, boolean follow) {
        String base = "/proc/" + g.tgid() + (thread != null ? "/task/" + thread.tid() : "");
        Task t = thread != null ? thread : liveLeader(g);
        int uid = t != null ? t.creds().euid : 0, gid = t != null ? t.creds().egid : 0;
        if (rest.isEmpty()) return ProcNode.dir(this, base, 0555, uid, gid, () -> processEntries(base, thread == null));
        String name = rest.get(0);
        List<String> more = rest.subList(1, rest.size());
        String path = base + "/" + name;
        switch (name) {
            case "exe":
            case "cwd":
            case "root": {
                String target = t == null ? "" : name.equals("exe") ? t.execPath() : name.equals("cwd") ? t.fs().cwd() : "/";
                if (target == null || target.isEmpty()) throw enoent(); // a zombie's are gone
                return linkOrFollow(path, uid, gid, target, more, follow);
            }
            case "fd":
                return descriptors(path, t, uid, gid, more, follow);
            case "task":
                if (thread != null) throw enoent();
                return tasks(g, path, more, follow);
            default:
                break;
        }
        for (String f : PROCESS_FILES) {
            if (f.equals(name)) {
                if (!more.isEmpty()) throw SyscallError.of(ENOTDIR);
                int perm = name.equals("environ") ? 0400 : name.equals("comm") ? 0644 : 0444;
                return ProcNode.file(path, perm, uid, gid, () -> ProcText.process(name, kernel, g, t));
            }
        }
        throw enoent();
    }

    /** The process's leader, or the first live thread if the leader has ended (pthread_exit), or null. */
    private static Task liveLeader(ThreadGroup g) {
        Task l = g.leader();
        if (l != null && !l.exited()) return l;
        for (Task t : g.threads()) if (!t.exited()) return t;
        return null;
    }

    private List<ProcNode.Entry> processEntries(String base, boolean process) {
        List<ProcNode.Entry> out = new ArrayList<>();
        out.add(new ProcNode.Entry(".", ProcDir.DT_DIR, ProcNode.ino(base)));
        out.add(new ProcNode.Entry("..", ProcDir.DT_DIR, ProcNode.ino("/proc")));
        for (String f : PROCESS_FILES) out.add(new ProcNode.Entry(f, ProcDir.DT_REG, ProcNode.ino(base + "/" + f)));
        for (String l : PROCESS_LINKS) out.add(new ProcNode.Entry(l, ProcDir.DT_LNK, ProcNode.ino(base + "/" + l)));
        out.add(new ProcNode.Entry("fd", ProcDir.DT_DIR, ProcNode.ino(base + "/fd")));
        if (process) out.add(new ProcNode.Entry("task", ProcDir.DT_DIR, ProcNode.ino(base + "/task")));
        return out;
    }

    /** A link as itself, or followed into the tree (with what comes after it). */
    private Node linkOrFollow(String path, int uid, int gid, String target, List<String> more, boolean follow) {
        if (more.isEmpty() && !follow) return ProcNode.link(path, 0777, uid, gid, target);
        String full = more.isEmpty() ? target : target + "/" + String.join("/", more);
        return kernel.vfs().lookup("/", full, follow);
    }

    /** /proc/PID/fd and its links: a descriptor's path, or the description itself where it has none in the tree. */
    private Node descriptors(String path, Task t, int uid, int gid, List<String> more, boolean follow) {
        if (t == null) throw enoent();
        // Another user's descriptors are theirs (Linux asks ptrace_may_access): root sees all.
        Task caller = Task.current();
        if (caller != null && caller.creds().euid != 0 && caller.creds().euid != uid) throw SyscallError.of(EACCES);
        FdTable fds = t.fds();
        if (more.isEmpty()) {
            return ProcNode.dir(this, path, 0500, uid, gid, () -> {
                List<ProcNode.Entry> out = new ArrayList<>();
                out.add(new ProcNode.Entry(".", ProcDir.DT_DIR, ProcNode.ino(path)));
                out.add(new ProcNode.Entry("..", ProcDir.DT_DIR, ProcNode.ino(path.substring(0, path.lastIndexOf('/')))));
                for (int fd = 0; fd < fds.limit(); fd++) {
                    if (fds.isOpen(fd)) out.add(new ProcNode.Entry(Integer.toString(fd), ProcDir.DT_LNK, ProcNode.ino(path + "/" + fd)));
                }
                return out;
            });
        }
        int fd = number(more.get(0));
        if (fd < 0 || fd >= fds.limit() || !fds.isOpen(fd)) throw enoent();
        FileDescription d = fds.get(fd);
        String target = d.path();
        List<String> after = more.subList(1, more.size());
        String link = path + "/" + fd;
        if (after.isEmpty() && !follow) {
            int perm = (d.readable() ? 0500 : 0) | (d.writable() ? 0300 : 0);
            return ProcNode.link(link, perm, uid, gid, target.startsWith("/dev/fd/") ? stdioName(d) : target);
        }
        // A file of the tree is looked up again by its path; the rest (a pipe, a socket, the
        // cryo process's stdio, whose path names this very link) is the description itself.
        if (target.startsWith("/") && !target.startsWith("/dev/fd/")) {
            return kernel.vfs().lookup("/", after.isEmpty() ? target : target + "/" + String.join("/", after), follow);
        }
        if (!after.isEmpty()) throw SyscallError.of(ENOTDIR);
        return new Reopen(link, d);
    }

    /**
     * What the link of one of the cryo process's stdio shows: what it is (a pipe, a socket, a
     * terminal), as Linux shows the host's; a host file's path is the host's business.
     */
    private static String stdioName(FileDescription d) {
        byte[] st = d.stat();
        long ino = java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
        switch (dev.cryo.sentry.vfs.Stat.type(st)) {
            case dev.cryo.sentry.vfs.Stat.S_IFIFO:
                return "pipe:[" + ino + "]";
            case dev.cryo.sentry.vfs.Stat.S_IFSOCK:
                return "socket:[" + ino + "]";
            case dev.cryo.sentry.vfs.Stat.S_IFCHR:
                return "/dev/tty";
            default:
                return d.path();
        }
    }

    private Node tasks(ThreadGroup g, String path, List<String> more, boolean follow) {
        if (more.isEmpty()) {
            return ProcNode.dir(this, path, 0555, 0, 0, () -> {
                List<ProcNode.Entry> out = new ArrayList<>();
                out.add(new ProcNode.Entry(".", ProcDir.DT_DIR, ProcNode.ino(path)));
                out.add(new ProcNode.Entry("..", ProcDir.DT_DIR, ProcNode.ino("/proc/" + g.tgid())));
                for (Task t : g.threads()) {
                    if (!t.exited()) out.add(new ProcNode.Entry(Integer.toString(t.tid()), ProcDir.DT_DIR, ProcNode.ino(path + "/" + t.tid())));
                }
                return out;
            });
        }
        int tid = number(more.get(0));
        for (Task t : g.threads()) {
            if (t.tid() == tid && !t.exited()) return process(g, t, more.subList(1, more.size()), follow);
        }
        throw enoent();
    }
}
