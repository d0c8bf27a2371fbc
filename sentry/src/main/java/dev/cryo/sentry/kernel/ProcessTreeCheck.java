package dev.cryo.sentry.kernel;

import java.util.Map;

/**
 * The soundness check of a loaded kernel's process tree (a restore refuses an image that fails
 * it, before anything runs): see {@link Kernel#checkProcessTree}.
 */
final class ProcessTreeCheck {
    private ProcessTreeCheck() {}

    /** Null if {@code tasks} (live tasks by tid) and {@code groups} (processes by pid) agree, else what is wrong. */
    static String check(Map<Integer, Task> tasks, Map<Integer, ThreadGroup> groups) {
        if (!groups.containsKey(1) || groups.get(1).parent != null) return "no init process (pid 1)";
        for (Map.Entry<Integer, Task> e : tasks.entrySet()) {
            Task t = e.getValue();
            if (t == null || t.tid != e.getKey() || t.group == null || t.group.tgid != t.tgid
                    || groups.get(t.tgid) != t.group || t.group.zombie || !t.group.tasks.contains(t)
                    || (t.tid == t.tgid) != (t.group.leader == t)) {
                return "task " + e.getKey() + " is not a live thread of its process";
            }
        }
        for (Map.Entry<Integer, ThreadGroup> e : groups.entrySet()) {
            ThreadGroup g = e.getValue();
            if (g == null || g.tgid != e.getKey() || g.leader == null || g.leader.group != g
                    || g.pgid <= 0 || g.sid <= 0 || g.children == null || g.tasks == null) {
                return "process " + e.getKey() + " is inconsistent";
            }
            if (g.zombie != g.tasks.isEmpty()) return "process " + g.tgid + " is both dead and alive";
            for (Task t : g.tasks) {
                if (t == null || tasks.get(t.tid) != t) return "process " + g.tgid + " has a thread the task table lacks";
            }
            if (g.tgid != 1 && (g.parent == null || groups.get(g.parent.tgid) != g.parent
                    || !g.parent.children.contains(g))) {
                return "process " + g.tgid + " has no parent in the sandbox";
            }
            for (ThreadGroup c : g.children) {
                if (c == null || c.parent != g || groups.get(c.tgid) != c) return "process " + g.tgid + " has a stray child";
            }
            int depth = 0;
            for (ThreadGroup p = g.parent; p != null; p = p.parent) {
                if (++depth > groups.size()) return "process " + g.tgid + "'s ancestry loops";
            }
        }
        return null;
    }
}
