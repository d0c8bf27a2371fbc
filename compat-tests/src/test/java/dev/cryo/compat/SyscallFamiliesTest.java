package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.compat.Differential.Pair;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #6: the conformance cases, grouped by system-call family. Each family is one C program
 * (src/test/c/FAMILY.c, on the frame of case.h) whose sub-cases are chosen by argv[1]; each
 * sub-case is one case here, run natively and under cryo in the three variants, and must print
 * the same results and errno names and exit the same way. The program is built once per run;
 * the cases are what its {@code --list} prints. Two cases run at once (each is mostly JVM
 * start-ups: cryo, then the checkpoint and restore processes of the other variants).
 */
class SyscallFamiliesTest {
    /** The families, in report order. */
    static final List<String> FAMILIES = List.of("mem", "fsread", "fsmeta", "fdesc", "ident", "clock", "limits", "sysinfo", "thread", "pifutex", "epoll", "evtimer", "jobctl", "sigfd", "sockpair", "pidfd", "xfer", "procfs");

    /**
     * Cases that fail today because the Sentry lacks something larger than a one-handler fix:
     * "family/case" to why. They run only with -Pcompat-pending.
     */
    static final Map<String, String> PENDING = Map.of(
            "mem/mmap_past_eof_sigbus", "no SIGBUS for a page wholly past the end of a mapped file: "
                    + "file mappings are private copies, zero-filled past EOF",
            "mem/mprotect_shared_readonly_file", "VMAs do not remember that a MAP_SHARED mapping of a "
                    + "read-only file may never become writable (Linux's VM_MAYWRITE): mprotect gives 0, not EACCES",
            "mem/madvise_dontneed_private_file", "file mappings are private copies in the memory file: "
                    + "MADV_DONTNEED zeroes them instead of bringing back the file's bytes",
            "ident/prctl_flags_read_back", "PR_SET_PDEATHSIG/DUMPABLE/NO_NEW_PRIVS/KEEPCAPS are checked but not "
                    + "recorded: the PR_GET_ calls answer constants (the values need fields in Task)");

    /** The families to run: all, or those named in -Dcompat.families=a,b (for a quick look). */
    private static Stream<String> families() {
        String only = System.getProperty("compat.families", "");
        return only.isBlank() ? FAMILIES.stream() : Stream.of(only.split(",")).filter(FAMILIES::contains);
    }

    static Stream<Arguments> cases() {
        return families().flatMap(f -> CompatEnv.listCases(f).stream().map(c -> Arguments.of(f, c)))
                .filter(a -> !PENDING.containsKey(a.get()[0] + "/" + a.get()[1]));
    }

    static Stream<Arguments> pendingCases() {
        return PENDING.keySet().stream().sorted().map(k -> Arguments.of(k.split("/")[0], k.split("/")[1]));
    }

    // Concurrent inside the method only: the class keeps its place in the class order, so
    // that CompatibilityReportTest still runs after it (a concurrent class would not).
    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void caseMatchesLinux(String family, String kase) {
        run(family, kase);
    }

    @Tag("pending")
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pendingCases")
    void pendingCaseMatchesLinux(String family, String kase) {
        run(family, kase);
    }

    private static void run(String family, String kase) {
        Program p = Program.of("f-" + family + "-" + kase, CompatEnv.compiled(family), kase);
        Pair pair = Differential.same(p, STDOUT_AND_STDERR, NONE);
        // A case that exits or dies on purpose (a fault, exit(2)) says so before and ends with
        // a status; any other must reach its last line.
        String out = pair.nativeRun().stdoutText();
        assertTrue(out.endsWith("end of " + kase + "\n") || pair.nativeRun().status() != 0,
                () -> p.name() + " did not finish natively:\n" + out);
    }
}
