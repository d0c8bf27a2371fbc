package dev.cryo.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules every module's {@code ArchitectureTest} runs (it extends this class,
 * naming its package; platform's test jar carries it to the others). Keeps a module in its place in the house (DESIGN.md; STYLE.md "Layout shows the
 * architecture") by a plain scan of its {@code src/main/java}: a reference to a module higher in
 * the order platform &lt; state-serializer, checkpoint-store &lt; sentry &lt; cli &lt; compat-tests
 * fails, so does a jnr-ffi reference outside {@code dev.cryo.platform.host}, and a package without
 * {@code package-info.java}. References are imports (static too) and fully qualified
 * names in code; comments and string literals are skipped.
 */
public abstract class ArchitectureRules {
    /** The package this module owns. */
    private final String module;

    protected ArchitectureRules(String module) {
        this.module = module;
    }

    /** Each module's package and its rank: a module may use only modules of a lower rank. */
    private static final Map<String, Integer> RANK = Map.of(
            "dev.cryo.platform", 0,
            "dev.cryo.serializer", 1,
            "dev.cryo.store", 1,
            "dev.cryo.sentry", 2,
            "dev.cryo.cli", 3,
            "dev.cryo.compat", 4);

    /** The one package allowed to use the native-call libraries (jnr-ffi and its jffi). */
    private static final String NATIVE_PACKAGE = "dev.cryo.platform.host";


    private static final Path SRC =
            Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src", "main", "java");

    @Test
    public void referencesPointDownTheModuleOrder() {
        List<String> bad = new ArrayList<>();
        for (Source s : sources()) {
            for (String ref : s.references()) {
                if (!ref.startsWith("dev.cryo.")) continue;
                Integer rank = rankOf(ref);
                if (rank == null) {
                    bad.add(s.path() + ": " + ref + " belongs to no module");
                } else if (rank > RANK.get(module)) {
                    bad.add(s.path() + ": " + ref + " is in a higher module than " + module);
                }
            }
        }
        assertTrue(bad.isEmpty(), "references up the module order:\n" + String.join("\n", bad));
    }

    @Test
    public void nativeBindingsStayInPlatformHost() {
        List<String> bad = new ArrayList<>();
        for (Source s : sources()) {
            if (within(s.pkg(), NATIVE_PACKAGE)) continue;
            for (String ref : s.references()) {
                if (within(ref, "jnr") || within(ref, "com.kenai.jffi")) {
                    bad.add(s.path() + ": " + ref);
                }
            }
        }
        assertTrue(bad.isEmpty(), "native bindings outside " + NATIVE_PACKAGE + ":\n" + String.join("\n", bad));
    }

    @Test
    public void everyPackageHasPackageInfo() throws IOException {
        Set<String> missing = new TreeSet<>();
        Set<String> packages = new TreeSet<>();
        for (Source s : sources()) {
            packages.add(s.pkg());
            if (!Files.exists(SRC.resolve(s.path()).resolveSibling("package-info.java"))) {
                missing.add(s.pkg());
            }
        }
        assertTrue(packages.contains(module), "the module's own package " + module + " has no sources");
        assertTrue(missing.isEmpty(), "packages without package-info.java: " + missing);
    }

    /** The scanner itself: it must see what the rules judge, and nothing in comments or strings. */
    @Test
    public void scannerSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
        String text = String.join("\n",
                "/* dev.cryo.cli.InComment */ package dev.cryo.x; // dev.cryo.cli.Line",
                "import dev.cryo.sentry.kernel.Task;",
                "import static dev.cryo.sentry.abi.Errno.EINVAL;",
                "import jnr.ffi.*;",
                "class A { String s = \"dev.cryo.cli.InString\"; char c = '\"';",
                "  Object o = new dev.cryo.store.ChunkStore(); String t = \"\"\"",
                "    dev.cryo.cli.InTextBlock\"\"\"; com.kenai.jffi.Platform p; }");
        Source s = Source.parse(Path.of("A.java"), text);
        assertEquals("dev.cryo.x", s.pkg());
        assertEquals(Set.of("dev.cryo.sentry.kernel", "dev.cryo.sentry.abi", "jnr.ffi", "dev.cryo.store",
                "com.kenai.jffi"), s.references());
    }

    protected static Integer rankOf(String pkg) {
        return RANK.entrySet().stream().filter(e -> within(pkg, e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** Whether {@code pkg} is {@code root} or one of its sub-packages. */
    protected static boolean within(String pkg, String root) {
        return pkg.equals(root) || pkg.startsWith(root + ".");
    }

    protected static List<Source> sources() {
        assertTrue(Files.isDirectory(SRC), "no sources at " + SRC);
        try (Stream<Path> files = Files.walk(SRC)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().map(p -> {
                try {
                    return Source.parse(SRC.relativize(p), Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One source file: its package and the packages it names in code. */
    protected record Source(Path path, String pkg, Set<String> references) {
        private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
        private static final Pattern QUALIFIED =
                Pattern.compile("(?<![\\w.])((?:dev\\.cryo|jnr|com\\.kenai)(?:\\s*\\.\\s*\\w+)+)");

        static Source parse(Path path, String text) {
            String code = code(text);
            Matcher m = PACKAGE.matcher(code);
            boolean declared = m.find();
            String pkg = declared ? m.group(1) : "";
            Set<String> refs = new TreeSet<>();
            Matcher q = QUALIFIED.matcher(code).region(declared ? m.end() : 0, code.length());
            while (q.find()) {
                refs.add(packageOf(q.group(1).replaceAll("\\s", "")));
            }
            refs.remove(pkg);
            return new Source(path, pkg, refs);
        }

        /** The package part of a qualified name: its segments up to the first capitalised one. */
        private static String packageOf(String name) {
            StringBuilder pkg = new StringBuilder();
            for (String seg : name.split("\\.")) {
                if (seg.isEmpty() || !Character.isLowerCase(seg.charAt(0))) break;
                if (pkg.length() > 0) pkg.append('.');
                pkg.append(seg);
            }
            return pkg.toString();
        }

        /** The text with comments removed and string and character literals emptied. */
        private static String code(String s) {
            StringBuilder out = new StringBuilder(s.length());
            int i = 0;
            int n = s.length();
            while (i < n) {
                char c = s.charAt(i);
                if (s.startsWith("//", i)) {
                    while (i < n && s.charAt(i) != '\n') i++;
                } else if (s.startsWith("/*", i)) {
                    int end = s.indexOf("*/", i + 2);
                    i = end < 0 ? n : end + 2;
                    out.append(' ');
                } else if (s.startsWith("\"\"\"", i)) {
                    int end = s.indexOf("\"\"\"", i + 3);
                    i = end < 0 ? n : end + 3;
                    out.append("\"\"");
                } else if (c == '"' || c == '\'') {
                    i++;
                    while (i < n && s.charAt(i) != c) {
                        i += s.charAt(i) == '\\' ? 2 : 1;
                    }
                    i++;
                    out.append(c).append(c);
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString();
        }
    }
}
