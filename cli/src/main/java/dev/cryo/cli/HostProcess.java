package dev.cryo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Identifies a process by pid and start time, so that a reused pid is not mistaken for the JVM
 * that hosted a sandbox (runc records the same pair). The start time is field 22 of
 * {@code /proc/PID/stat}: clock ticks after boot.
 */
record HostProcess(long pid, long startTime) {
    /** This JVM. */
    static HostProcess self() {
        long pid = ProcessHandle.current().pid();
        long start = startTime(pid);
        if (start < 0) throw new IllegalStateException("cannot read /proc/" + pid + "/stat");
        return new HostProcess(pid, start);
    }

    /** Whether the process still runs (a zombie does not). */
    boolean alive() {
        long now = startTime(pid);
        return now >= 0 && now == startTime;
    }

    /** The start time of {@code pid}, or -1 if there is no such live process. */
    static long startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return -1;
        }
        // The command name (field 2) is in parentheses and may hold spaces and ')': fields after
        // the last ')' are plain, starting with field 3, the state.
        int close = stat.lastIndexOf(')');
        if (close < 0) return -1;
        String[] f = stat.substring(close + 2).trim().split(" ");
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) return -1;
        try {
            return Long.parseLong(f[19]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
