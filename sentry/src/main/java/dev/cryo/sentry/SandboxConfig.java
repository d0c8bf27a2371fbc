package dev.cryo.sentry;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a new sandbox runs and how.
 *
 * @param rootfs host directory that becomes the sandbox's root
 * @param argv the program (argv[0], resolved against PATH if it has no slash) and its arguments
 * @param envp the environment, "K=V" strings
 * @param cwd working directory inside the sandbox
 * @param strace where to print syscalls, or null
 * @param uid the first process's user id (real, effective, saved and filesystem): 0 is root
 * @param gid its group id, likewise
 */
public record SandboxConfig(String rootfs, List<String> argv, List<String> envp, String cwd, PrintStream strace,
        int uid, int gid) {
    /** A sandbox whose first process runs as root (uid 0, gid 0), as docker's does by default. */
    public SandboxConfig(String rootfs, List<String> argv, List<String> envp, String cwd, PrintStream strace) {
        this(rootfs, argv, envp, cwd, strace, 0, 0);
    }

    /** docker run's default PATH. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** The default environment (PATH, HOME, HOSTNAME, TERM as docker sets them) overlaid with {@code overrides}. */
    public static List<String> environment(List<String> overrides) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOSTNAME", "cryo");
        env.put("HOME", "/root");
        String term = System.getenv("TERM");
        if (term != null && System.console() != null) env.put("TERM", term);
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--env wants K=V, got '" + kv + "'");
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** The value of {@code name} in {@link #envp}, or null. */
    public String getenv(String name) {
        for (String kv : envp) {
            if (kv.startsWith(name + "=")) return kv.substring(name.length() + 1);
        }
        return null;
    }
}
