package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The differential check: run a program natively, then under cryo, and require the same exit
 * status and byte-identical stdout (and stderr, unless the case says it is not meaningful).
 * Host-dependent values are removed by a per-case {@link Normalizer} applied to both sides,
 * never by skipping the comparison.
 */
final class Differential {
    private Differential() {}

    /** Rewrites output before comparison; the same for the native and the cryo side. */
    interface Normalizer extends UnaryOperator<byte[]> {
        Normalizer NONE = b -> b;
    }

    /** What to compare besides the exit status. */
    enum Streams { STDOUT, STDOUT_AND_STDERR }

    /** The two runs, for cases that want to assert more. */
    record Pair(Outcome nativeRun, Outcome cryoRun) {}

    static Pair same(Program p) {
        return same(p, Streams.STDOUT_AND_STDERR, Normalizer.NONE);
    }

    static Pair same(Program p, Streams streams, Normalizer norm) {
        Outcome nat = Runner.runNative(p);
        // Every variant runs even when one fails, so that the report counts each (Coverage);
        // the first failure is thrown at the end with the others attached.
        Map<String, Boolean> passed = new LinkedHashMap<>();
        List<AssertionError> failures = new ArrayList<>();
        Pair[] pair = new Pair[1];
        variant("plain", passed, failures, () -> pair[0] = compare(p, streams, norm, nat, Runner.runCryo(p)));
        if (!Runner.cryoIsNative() && !"off".equals(System.getProperty("compat.checkpoint"))) {
            // The checkpoint variant (issue #6): the same program saved and stopped after a
            // system call chosen from its name, restored in a new process, must still match.
            // A save point from the case's name; a program that makes fewer calls than that is
            // saved after its third instead, so the variant is never a plain run in disguise.
            // Its two halves print the Sentry's strace to a file: the calls the case made.
            Path strace = CompatEnv.work().resolve("runs").resolve(p.name()).resolve("cryo-ckpt.strace");
            long[] n = {3 + Math.floorMod(p.name().hashCode(), 15)};
            variant("checkpoint-restore", passed, failures, () -> {
                Outcome ckpt = Runner.runCryoCheckpointed(p, n[0], strace);
                if (!ckpt.where().equals("cryo-ckpt+restore")) {
                    n[0] = 3;
                    ckpt = Runner.runCryoCheckpointed(p, n[0], strace);
                }
                assertEquals("cryo-ckpt+restore", ckpt.where(), p.name() + ": no checkpoint was taken after call " + n[0]);
                compare(p, streams, norm, nat, ckpt);
            });
            // The leave-running variant: the original goes on as if nothing happened, and the
            // restored copy prints exactly what the original printed after the save point.
            variant("leave-running", passed, failures, () -> {
                long[] marks = new long[2];
                Outcome[] both = Runner.runCryoLeaveRunning(p, n[0], marks);
                compare(p, streams, norm, nat, both[0]);
                assertEquals("cryo-copy", both[1] == null ? null : both[1].where(), p.name() + ": no checkpoint after call " + n[0]);
                compare(p, streams, norm, suffix(nat, marks), both[1]);
            });
            Coverage.record(p.name(), passed, Coverage.syscallsIn(strace));
        }
        if (!failures.isEmpty()) {
            AssertionError first = failures.get(0);
            for (AssertionError e : failures.subList(1, failures.size())) first.addSuppressed(e);
            throw first;
        }
        return pair[0];
    }

    private static void variant(String name, Map<String, Boolean> passed, List<AssertionError> failures, Runnable r) {
        try {
            r.run();
            passed.put(name, true);
        } catch (AssertionError e) {
            passed.put(name, false);
            failures.add(new AssertionError("[" + name + " variant] " + e.getMessage(), e));
        }
    }

    /** The native outcome with the first {@code marks[0]} bytes of stdout and {@code marks[1]} of stderr cut. */
    private static Outcome suffix(Outcome nat, long[] marks) {
        try {
            java.nio.file.Path dir = nat.stdout().getParent();
            java.nio.file.Path out = dir.resolve("native-after-save.stdout"), err = dir.resolve("native-after-save.stderr");
            byte[] o = nat.stdoutBytes(), e = nat.stderrBytes();
            java.nio.file.Files.write(out, java.util.Arrays.copyOfRange(o, (int) Math.min(marks[0], o.length), o.length));
            java.nio.file.Files.write(err, java.util.Arrays.copyOfRange(e, (int) Math.min(marks[1], e.length), e.length));
            return new Outcome("native-after-save", nat.command(), nat.status(), out, err, nat.elapsed());
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /**
     * For programs whose interesting state comes late (threads started, waits under way): each
     * of {@code points} is a save point, the program checkpointed right after that many system
     * calls (of all its tasks), restored in a new process, and compared with its native run;
     * then checkpointed there again but left running, the original and its restored copy each
     * compared with what the native run printed (the copy: from the save point on).
     */
    static void sameAfterCheckpointsAt(Program p, long... points) {
        Outcome nat = Runner.runNative(p);
        for (long n : points) {
            Outcome ckpt = Runner.runCryoCheckpointed(p, n, null);
            assertEquals("cryo-ckpt+restore", ckpt.where(), p.name() + ": no checkpoint was taken after call " + n);
            compare(p, Streams.STDOUT_AND_STDERR, Normalizer.NONE, nat, ckpt);
            // And left running: the original finishes, and so does its restored copy.
            long[] marks = new long[2];
            Outcome[] both = Runner.runCryoLeaveRunning(p, n, marks);
            compare(p, Streams.STDOUT_AND_STDERR, Normalizer.NONE, nat, both[0]);
            assertEquals("cryo-copy", both[1] == null ? null : both[1].where(), p.name() + ": no checkpoint after call " + n);
            compare(p, Streams.STDOUT_AND_STDERR, Normalizer.NONE, suffix(nat, marks), both[1]);
        }
    }

    private static Pair compare(Program p, Streams streams, Normalizer norm, Outcome nat, Outcome cryo) {
        StringBuilder problems = new StringBuilder();
        if (nat.status() != cryo.status()) {
            problems.append("exit status differs: native ").append(nat.status()).append(", cryo ")
                    .append(cryo.status()).append('\n');
        }
        String out = OutputDiff.describe("stdout", "native", norm.apply(nat.stdoutBytes()), "cryo",
                norm.apply(cryo.stdoutBytes()));
        if (out != null) problems.append(out);
        if (streams == Streams.STDOUT_AND_STDERR) {
            String err = OutputDiff.describe("stderr", "native", norm.apply(nat.stderrBytes()), "cryo",
                    norm.apply(cryo.stderrBytes()));
            if (err != null) problems.append(err);
        }
        if (problems.length() > 0) {
            fail(p.name() + ": native and " + cryo.where() + " runs differ\n" + problems + "\n" + nat.summary() + cryo.summary()
                    + "(full outputs under " + nat.stdout().getParent() + ")");
        }
        return new Pair(nat, cryo);
    }

    /** Fails with both outcomes described unless {@code o} exited with {@code expected}. */
    static void assertStatus(int expected, Outcome o) {
        assertEquals(expected, o.status(), () -> "unexpected exit status\n" + o.summary()
                + OutputDiff.tail(o.where() + " stdout", o.stdoutBytes()));
    }
}
