package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.syscalls.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/compatibility.md is generated from the syscall table (STYLE.md: never written by hand)
 * and must be current: this test fails when it is not. Regenerate it with
 * {@code mvn -B verify -pl compat-tests -am -Dtest=CompatibilityReportTest -Dsurefire.failIfNoSpecifiedTests=false -Dcompat.report.write=true}.
 */
class CompatibilityReportTest {
    private static final Path DOC = Path.of(System.getProperty("basedir", "."), "..", "docs", "compatibility.md").normalize();

    static String report() {
        SyscallTable table = SyscallTable.standard();
        Map<SyscallTable.Support, Integer> counts = new EnumMap<>(SyscallTable.Support.class);
        StringBuilder rows = new StringBuilder();
        for (int nr = 0; nr < Sysno.TABLE_SIZE; nr++) {
            String name = Sysno.name(nr);
            if (name.startsWith("syscall_")) continue;
            SyscallTable.Entry e = table.get(nr);
            String status = e == null ? "unsupported (ENOSYS)" : switch (e.support()) {
                case SUPPORTED -> "supported";
                case PARTIAL -> "partial";
                case ERROR -> "refused";
            };
            if (e != null) counts.merge(e.support(), 1, Integer::sum);
            String note = e == null ? "" : e.note().replace("|", "\\|");
            rows.append("| ").append(nr).append(" | `").append(name).append("` | ").append(status).append(" | ")
                    .append(note).append(" |\n");
        }
        int supported = counts.getOrDefault(SyscallTable.Support.SUPPORTED, 0);
        int partial = counts.getOrDefault(SyscallTable.Support.PARTIAL, 0);
        int refused = counts.getOrDefault(SyscallTable.Support.ERROR, 0);
        int named = Sysno.namedCount();
        return "# Cryo's system calls\n\n"
                + "Generated from the Sentry's syscall table (`SyscallTable.standard()`) by\n"
                + "`compat-tests/src/test/java/dev/cryo/compat/CompatibilityReportTest.java`; do not edit by hand.\n"
                + "*supported*: Linux's behaviour, errors included; *partial*: the note says what is missing;\n"
                + "*refused*: always the errno in the note, on purpose; *unsupported*: ENOSYS, counted and\n"
                + "reported at exit (`cryo run` without `--no-enosys-report`).\n\n"
                + "**Summary: " + (supported + partial) + " of " + named + " x86-64 system calls supported or partially"
                + " supported (" + supported + " supported, " + partial + " partial), " + refused + " refused on purpose,"
                + " " + (named - supported - partial - refused) + " unsupported.**\n\n"
                + "| nr | name | status | note |\n| ---: | --- | --- | --- |\n" + rows;
    }

    @Test
    void theCommittedReportIsCurrent() throws Exception {
        String now = report();
        if (Boolean.getBoolean("compat.report.write")) Files.writeString(DOC, now);
        String committed = Files.exists(DOC) ? Files.readString(DOC) : "";
        assertEquals(now, committed, DOC + " is stale: regenerate it (see this test's comment) and commit it");
    }
}
