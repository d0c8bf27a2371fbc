package dev.cryo.compat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the host offers the compat tests, and where they keep their files. A test that needs
 * something the host lacks (busybox, gcc, a static libc) is skipped through a JUnit assumption
 * that names what is missing — never silently passed.
 */
final class CompatEnv {
    private CompatEnv() {}

    static final Path BUSYBOX = Path.of("/bin/busybox");

    private static final ConcurrentHashMap<String, Path> COMPILED = new ConcurrentHashMap<>();

    /** The module's scratch directory (target/compat), created on first use. */
    static Path work() {
        Path p = Path.of(System.getProperty("compat.work", "target/compat")).toAbsolutePath();
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Skips the test unless a runnable busybox is at /bin/busybox. */
    static String busybox() {
        assumeTrue(Files.isExecutable(BUSYBOX),
                "/bin/busybox is missing: install busybox-static (apt-get install -y busybox-static)");
        return BUSYBOX.toString();
    }

    static final Path PYTHON = Path.of("/usr/bin/python3");

    /** Skips the test unless the host's python3 is at /usr/bin/python3. */
    static String python() {
        assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is missing: install python3 (apt-get install -y python3)");
        return PYTHON.toString();
    }

    /**
     * The static executable built from {@code src/test/c/<name>.c} with {@code gcc -static -O1},
     * compiled once per JVM (and again only when the source is newer than the binary). Skips the
     * test when gcc or the static C library is missing.
     */
    static String compiled(String name) {
        return COMPILED.computeIfAbsent(name, CompatEnv::compile).toString();
    }

    private static Path compile(String name) {
        Path src = Path.of(System.getProperty("compat.csrc", "src/test/c")).toAbsolutePath().resolve(name + ".c");
        if (!Files.isRegularFile(src)) throw new IllegalStateException("no C source " + src);
        Path gcc = which("gcc");
        assumeTrue(gcc != null, "gcc is not installed: cannot build the static C test programs");
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libc.a")),
                "the static C library (libc.a, package libc6-dev) is missing: cannot link with -static");
        Path bin = work().resolve("bin").resolve(name);
        try {
            Files.createDirectories(bin.getParent());
            // case.h is the frame of the family programs: a change to it rebuilds them too.
            Path header = src.resolveSibling("case.h");
            if (Files.exists(bin) && Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) > 0
                    && Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(header)) > 0) {
                return bin;
            }
            List<String> cmd = new ArrayList<>(List.of(gcc.toString(), "-static", "-O1", "-g", "-Wall",
                    "-o", bin.toString(), src.toString()));
            Path log = work().resolve("bin").resolve(name + ".gcc.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("gcc timed out on " + src);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("gcc failed on " + src + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sub-cases of a family program built from {@code src/test/c/<name>.c} (see case.h):
     * its {@code --list}, run natively.
     */
    static List<String> listCases(String name) {
        String bin = compiled(name);
        try {
            Process p = new ProcessBuilder(bin, "--list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(bin + " --list failed: " + out);
            }
            return out.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path which(String prog) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, prog);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
