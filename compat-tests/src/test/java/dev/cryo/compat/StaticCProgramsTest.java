package dev.cryo.compat;

import static dev.cryo.compat.Differential.Normalizer.NONE;
import static dev.cryo.compat.Differential.Streams.STDOUT_AND_STDERR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.compat.Differential.Pair;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue #2: static C programs (src/test/c, built with gcc -static -O1 at test time) behave
 * the same natively and under cryo: exit status, stdout and stderr byte for byte.
 */
class StaticCProgramsTest {
    private static Pair same(String name, String... args) {
        return Differential.same(Program.of(name, args), STDOUT_AND_STDERR, NONE);
    }

    @Test
    void hello() {
        Pair p = same("c-hello", CompatEnv.compiled("hello"));
        assertEquals("hello, world\n", p.nativeRun().stdoutText());
    }

    /** 500 MiB through malloc/realloc/free in mixed sizes (brk and mmap arenas), checksummed. */
    @Test
    void mallocFree500MiB() {
        Pair p = same("c-malloc", CompatEnv.compiled("malloc"));
        assertEquals(0, p.nativeRun().status(), "the program's own checks failed natively");
        assertTrue(p.nativeRun().stdoutText().contains("bad 0"));
    }

    @Test
    void mmapMunmapMprotectMremapBrk() {
        Pair p = same("c-mmap", CompatEnv.compiled("mmap"));
        assertTrue(p.nativeRun().stdoutText().endsWith("done\n"));
    }

    @Test
    void readingFiles() {
        Path tree = Fixtures.tree();
        Pair p = same("c-files", CompatEnv.compiled("files"), tree.toString(), tree.resolve("link-to-d0").toString());
        assertTrue(p.nativeRun().stdoutText().endsWith("done\n"));
    }

    @Test
    void procSelfExe() {
        Pair p = same("c-procself", CompatEnv.compiled("procself"));
        assertTrue(p.nativeRun().stdoutText().contains("yes"));
    }

    /** Priorities, scheduling policies, personality, mlockall, sync: as Linux answers them. */
    @Test
    void schedulingAndProcessSettings() {
        Pair p = same("c-sched", CompatEnv.compiled("sched"));
        assertTrue(p.nativeRun().stdoutText().endsWith("done\n"));
    }

    /** A NULL write kills the program with SIGSEGV: status 128+11, and what it flushed before survives. */
    @Test
    void nullWriteIsKilledBySigsegv() {
        Pair p = same("c-segv", CompatEnv.compiled("segv"));
        assertEquals(139, p.nativeRun().status());
        assertEquals("about to write through NULL\n", p.cryoRun().stdoutText());
    }
}
