import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Build step (exec-maven-plugin, process-classes): makes the class Chronicle Map would otherwise
 * generate and compile with javac the first time each JVM opens a map (1.2-4 s here, FIELD-NOTES.md):
 * the native implementation of its VanillaGlobalMutableState value interface. Chronicle Values
 * loads a class of the expected name from the class path before generating one, so compiling its
 * own generated source into this module's classes makes every later open skip javac.
 * Usage: java -cp CLASSPATH GenerateIndexClass.java OUTPUT_CLASSES_DIR
 */
public class GenerateIndexClass {
    public static void main(String[] args) throws Exception {
        File out = new File(args[0]);
        File made = new File(out, "net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.class");
        if (made.exists()) return; // made by an earlier build (mvn clean remakes it)
        Class<?> type = Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState");
        Class<?> modelClass = Class.forName("net.openhft.chronicle.values.ValueModel");
        Object model = modelClass.getMethod("acquire", Class.class).invoke(null, type);
        Method simpleName = modelClass.getDeclaredMethod("simpleName");
        simpleName.setAccessible(true);
        String name = simpleName.invoke(model) + "$$Native";
        Method gen = Class.forName("net.openhft.chronicle.values.Generators")
                .getDeclaredMethod("generateNativeClass", modelClass, String.class);
        gen.setAccessible(true);
        String source = (String) gen.invoke(null, model, name);
        Path dir = Files.createTempDirectory("cryo-index-class");
        Path src = dir.resolve(name + ".java");
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-nowarn", "-proc:none", "--release", "17", "-d", out.getPath(),
                "-cp", System.getProperty("java.class.path"), src.toString());
        Files.delete(src);
        Files.delete(dir);
        if (rc != 0) throw new IllegalStateException("javac failed on the generated " + name);
    }
}
