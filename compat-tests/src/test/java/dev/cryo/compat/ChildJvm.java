package dev.cryo.compat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The command line of a child JVM that runs cryo's code (the CLI, or {@link CheckpointDriver})
 * on this module's class path, started the way the {@code cryo} launcher starts one: the same
 * flags, jffi's and zstd-jni's libraries from the CLI build's unpacked copies when it has them,
 * and an application class-data archive. The compat cases start ~5 such JVMs each, over 300
 * cases: the archive and the libraries halve each start (about 400 to 200 ms for a checkpoint
 * driver, measured), which is most of the module's run time.
 *
 * <p>The archive is made once per test JVM, in target/compat/cds, from the class path's jars
 * only: a static archive cannot hold classes from directories, so the directories
 * (this module's classes) come after the jars, where the JVM accepts a class path longer than
 * the archive's. Any failure to make it only costs speed: the children then start without it.
 */
final class ChildJvm {
    private ChildJvm() {}

    private static final List<String> FLAGS = List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Dsun.reflect.inflationThreshold=1000000",
            // As the launcher: never a CDS message on the sandbox's stderr, which is compared.
            "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private static List<String> prefix;

    /** {@code java FLAGS -cp CLASSPATH mainClass}: append the arguments. */
    static List<String> command(String mainClass) {
        return command(List.of(), mainClass);
    }

    /** As {@link #command(String)}, with more JVM options (system properties) before the class path. */
    static List<String> command(List<String> jvmOptions, String mainClass) {
        List<String> p = prefix();
        List<String> cmd = new ArrayList<>(p.subList(0, p.size() - 2));
        cmd.addAll(jvmOptions);
        cmd.addAll(p.subList(p.size() - 2, p.size()));
        cmd.add(mainClass);
        return cmd;
    }

    private static synchronized List<String> prefix() {
        if (prefix != null) return prefix;
        List<String> jars = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.contains("/org/apache/maven/surefire/")) continue; // the test runner's own
            (e.endsWith(".jar") ? jars : dirs).add(e);
        }
        List<String> base = new ArrayList<>();
        base.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        base.addAll(FLAGS);
        base.addAll(nativeLibraries(jars));
        String jarPath = String.join(File.pathSeparator, jars);
        List<String> all = new ArrayList<>(jars);
        all.addAll(dirs);
        String classPath = String.join(File.pathSeparator, all);
        Path archive = archive(base, jarPath, classPath);
        prefix = new ArrayList<>(base);
        if (archive != null) prefix.add("-XX:SharedArchiveFile=" + archive);
        prefix.add("-cp");
        prefix.add(classPath);
        prefix = List.copyOf(prefix);
        return prefix;
    }

    /** The libraries the CLI's build unpacked beside cryo-cli.jar (as ./cryo passes them), if any. */
    private static List<String> nativeLibraries(List<String> jars) {
        List<String> flags = new ArrayList<>();
        for (String j : jars) {
            if (!j.endsWith("/cryo-cli.jar")) continue;
            Path target = Path.of(j).getParent();
            Path jffi = target.resolve("native/jni/x86_64-Linux");
            if (Files.isDirectory(jffi)) flags.add("-Djffi.boot.library.path=" + jffi);
            try (var zstd = Files.newDirectoryStream(target.resolve("native/linux/amd64"), "libzstd-jni-*.so")) {
                for (Path z : zstd) flags.add("-DZstdNativePath=" + z);
            } catch (IOException e) {
                // not unpacked: zstd-jni unpacks its own copy
            }
        }
        return flags;
    }

    /**
     * Makes the archive: the classes loaded by a checkpointed run and its restore (a class list
     * per child, as the launcher's training does), dumped over the jars. Null if anything fails.
     */
    private static Path archive(List<String> base, String jarPath, String classPath) {
        if (jarPath.isEmpty()) return null;
        Path dir = CompatEnv.work().resolve("cds");
        Path jsa = dir.resolve("compat-" + Integer.toHexString(jarPath.hashCode()) + ".jsa");
        try {
            Files.createDirectories(dir);
            if (Files.exists(jsa)) Files.delete(jsa); // the jars may have been rebuilt since
            Path image = dir.resolve("train-image");
            Path marks = dir.resolve("train-image.marks"); // the driver's note of where it saved
            deleteTree(image);
            Set<String> classes = new LinkedHashSet<>();
            String driver = CheckpointDriver.class.getName();
            List<List<String>> runs = List.of(
                    List.of("dev.cryo.cli.Main", "run", "--no-enosys-report", "--", "/bin/true"),
                    List.of(driver, "run-at", "3", image.toString(), "/", "--", "/bin/true"),
                    List.of(driver, "restore", image.toString(), "-1"));
            for (int i = 0; i < runs.size(); i++) {
                Path list = dir.resolve("train-" + i + ".classlist");
                List<String> cmd = new ArrayList<>(base);
                cmd.addAll(List.of("-XX:DumpLoadedClassList=" + list, "-cp", classPath));
                cmd.addAll(runs.get(i));
                if (!run(cmd) || !Files.exists(list)) return null;
                classes.addAll(Files.readAllLines(list));
            }
            deleteTree(image);
            Files.deleteIfExists(marks);
            Path list = dir.resolve("train.classlist");
            Files.write(list, classes);
            Path tmp = dir.resolve(jsa.getFileName() + ".tmp");
            List<String> dump = new ArrayList<>(base);
            dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + list,
                    "-XX:SharedArchiveFile=" + tmp, "-cp", jarPath));
            if (!run(dump) || !Files.exists(tmp)) return null;
            Files.move(tmp, jsa);
            return jsa;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(f);
        }
    }
}
