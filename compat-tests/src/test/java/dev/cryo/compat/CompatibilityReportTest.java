package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cryo.sentry.syscalls.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * docs/compatibility.md is generated (STYLE.md: never written by hand) from the syscall table
 * and the differential cases' run, and must be current: this test fails when it is not. It runs
 * after every other class of the module (@Order; see junit-platform.properties), so it sees the
 * cases this JVM ran ({@link Coverage}).
 *
 * <p>A run that made every case the committed page lists is complete: the page must be exactly
 * what it renders, with each known case's system calls as the page recorded them (they can vary
 * from run to run; see {@link #withCommittedCalls}). A partial run (-Dtest=...) checks the page against the committed case data
 * instead, so the table part is still checked. With {@code -Dcompat.report.write=true} the page
 * is rewritten: from a complete run as it is, from a partial one with the cases it ran replacing
 * their committed lines. With {@code -Dcompat.report.fromFiles=true} the cases are those an
 * earlier run left in target/compat/coverage instead of this JVM's. Regenerate it with
 * {@code mvn -B verify -pl compat-tests -am -Dtest='dev.cryo.compat.**' -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcompat.report.write=true}.
 */
@Order(Integer.MAX_VALUE)
class CompatibilityReportTest {
    private static final Path DOC = Path.of(System.getProperty("basedir", "."), "..", "docs", "compatibility.md").normalize();

    private static Map<String, Coverage.Case> data(String committed) {
        Map<String, Coverage.Case> before = CompatibilityReport.parseCases(committed);
        Map<String, Coverage.Case> now = Boolean.getBoolean("compat.report.fromFiles") ? Coverage.fromFiles() : Coverage.thisRun();
        if (!Boolean.getBoolean("compat.report.write")) now = withCommittedCalls(now, before);
        if (!now.isEmpty() && now.keySet().containsAll(before.keySet())) return now;
        Map<String, Coverage.Case> merged = new TreeMap<>(before);
        merged.putAll(now);
        return merged;
    }

    /**
     * This run's cases and results, with the system calls the page recorded for each case it
     * knows already. Which calls a case makes can vary between runs that behave the same (a
     * thread that did or did not have to wait on a futex, an allocator's mmap): they are taken
     * when the page is written, and a check of the page is about the table, the cases and their
     * results.
     */
    static Map<String, Coverage.Case> withCommittedCalls(Map<String, Coverage.Case> run, Map<String, Coverage.Case> page) {
        Map<String, Coverage.Case> out = new TreeMap<>();
        run.forEach((name, c) -> {
            Coverage.Case known = page.get(name);
            out.put(name, known == null ? c : new Coverage.Case(c.variants(), known.syscalls()));
        });
        return out;
    }

    @Test
    void theCommittedReportIsCurrent() throws Exception {
        String committed = Files.exists(DOC) ? Files.readString(DOC) : "";
        String now = CompatibilityReport.render(SyscallTable.standard(), data(committed));
        if (Boolean.getBoolean("compat.report.write")) {
            Files.writeString(DOC, now);
            committed = now;
        }
        if (!now.equals(committed)) {
            // The lines that differ first: CI shows a failure's message, not a 100 KB page.
            fail(DOC + " is stale: regenerate it (see this test's comment) and commit it; lines that differ:\n"
                    + changedLines(committed, now));
        }
    }

    /** "- line" for each line only in {@code before}, "+ line" for each only in {@code after}; 60 at most. */
    static String changedLines(String before, String after) {
        java.util.List<String> a = before.lines().toList();
        java.util.List<String> b = after.lines().toList();
        java.util.Set<String> inA = new java.util.HashSet<>(a);
        java.util.Set<String> inB = new java.util.HashSet<>(b);
        StringBuilder sb = new StringBuilder();
        java.util.stream.Stream.concat(a.stream().filter(l -> !inB.contains(l)).map(l -> "- " + l),
                        b.stream().filter(l -> !inA.contains(l)).map(l -> "+ " + l))
                .limit(60).forEach(l -> sb.append(l.length() > 300 ? l.substring(0, 300) + "..." : l).append('\n'));
        return sb.toString();
    }

    /** Every supported or partial system call is made by at least one case (issue #6). */
    @Test
    void everySupportedSyscallHasACase() throws Exception {
        String committed = Files.exists(DOC) ? Files.readString(DOC) : "";
        var missing = CompatibilityReport.uncovered(SyscallTable.standard(), data(committed));
        assertTrue(missing.isEmpty(), "supported or partial system calls that no differential case makes: " + missing);
    }

    /** The case lines the page ends with read back as they were written. */
    @Test
    void caseLinesRoundTrip() {
        Map<String, Coverage.Case> run = new TreeMap<>(Map.of(
                "a-case", new Coverage.Case(new TreeMap<>(Map.of("plain", true, "checkpoint-restore", false)),
                        new java.util.TreeSet<>(java.util.List.of("read", "write"))),
                "b-case", new Coverage.Case(new TreeMap<>(), new java.util.TreeSet<>())));
        String page = CompatibilityReport.render(SyscallTable.standard(), run);
        assertEquals(run, CompatibilityReport.parseCases(page));
        assertTrue(page.contains("| 0 | `read` | supported |  | 1: `a-case` |"), page.substring(0, 2000));
    }

    @Test
    void aCaseKeepsTheCallsThePageRecordedButItsResultIsThisRuns() {
        var page = Map.of("c", new Coverage.Case(Map.of("plain", true), java.util.Set.of("read", "futex")));
        var run = Map.of("c", new Coverage.Case(Map.of("plain", false), java.util.Set.of("read")),
                "new", new Coverage.Case(Map.of("plain", true), java.util.Set.of("write")));
        var out = withCommittedCalls(run, page);
        assertEquals(java.util.Set.of("read", "futex"), out.get("c").syscalls());
        assertEquals(Map.of("plain", false), out.get("c").variants());
        assertEquals(java.util.Set.of("write"), out.get("new").syscalls());
    }

    @Test
    void aStalePageNamesItsChangedLines() {
        assertEquals("- b\n+ c\n", changedLines("a\nb\n", "a\nc\n"));
    }
}
