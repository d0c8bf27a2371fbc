package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The store's JVM flags are the same in the launcher, the poms and the hosting JVM's command line. */
class StoreJvmTest {
    /** The project's root: the cli module's parent. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theLauncherGivesTheSameFlags() throws IOException {
        Matcher m = Pattern.compile("(?m)^store_flags=\\((.*)\\)$").matcher(Files.readString(ROOT.resolve("cryo")));
        assertTrue(m.find(), "store_flags=(...) in the cryo launcher");
        assertEquals(StoreJvm.FLAGS, List.of(m.group(1).trim().split("\\s+")));
    }

    @Test
    void thePomsGiveTheSameFlags() throws IOException {
        for (Path pom : List.of(ROOT.resolve("pom.xml"), ROOT.resolve("checkpoint-store/pom.xml"))) {
            Matcher m = Pattern.compile("<chronicle.jvm.flags>(.*)</chronicle.jvm.flags>").matcher(Files.readString(pom));
            assertTrue(m.find(), pom.toString());
            assertEquals(StoreJvm.FLAGS, Arrays.asList(m.group(1).trim().split("\\s+")), pom.toString());
        }
    }

    @Test
    void aHostingJvmGetsTheMissingOnesOnce() {
        List<String> some = List.of("-Xmx1g", StoreJvm.FLAGS.get(3));
        List<String> all = StoreJvm.withStoreFlags(some);
        assertEquals(List.of("-Xmx1g", StoreJvm.FLAGS.get(3)), all.subList(0, 2));
        assertEquals(2 + StoreJvm.FLAGS.size() - 1, all.size());
        assertTrue(all.containsAll(StoreJvm.FLAGS));
        assertEquals(all, StoreJvm.withStoreFlags(all));
    }
}
