package dev.cryo.compat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A program to run natively and under cryo: the same argv, working directory and environment
 * for both, so that any difference in what they print is cryo's.
 *
 * @param name short file-name-safe label; the runs' output goes to {@code <work>/runs/<name>/}
 * @param argv the program (an absolute path) and its arguments
 * @param cwd the working directory (a host path; under cryo the same path in the host-backed root)
 * @param env extra "K=V" entries on top of {@link Runner#BASE_ENV}
 * @param timeout how long a run may take before it is killed and the test fails
 * @param idleStdin stdin is a pipe that stays open and empty (a read blocks), instead of /dev/null
 */
record Program(String name, List<String> argv, Path cwd, List<String> env, Duration timeout, boolean idleStdin) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    static Program of(String name, String... argv) {
        return new Program(name, List.of(argv), Path.of("/"), List.of(), DEFAULT_TIMEOUT, false);
    }

    Program in(Path dir) {
        return new Program(name, argv, dir, env, timeout, idleStdin);
    }

    Program withEnv(String kv) {
        List<String> e = new ArrayList<>(env);
        e.add(kv);
        return new Program(name, argv, cwd, List.copyOf(e), timeout, idleStdin);
    }

    Program withTimeout(Duration t) {
        return new Program(name, argv, cwd, env, t, idleStdin);
    }

    Program withIdleStdin() {
        return new Program(name, argv, cwd, env, timeout, true);
    }

    /** Where the run's stdin comes from: /dev/null, or a pipe nobody writes to (the JVM keeps it open). */
    java.lang.ProcessBuilder.Redirect stdin() {
        return idleStdin ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));
    }
}
