package dev.cryo.platform.ptrace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.host.Host;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stubs never outlive the Sentry: a SIGKILLed JVM takes its stubs with it (PTRACE_O_EXITKILL). */
class StubLifetimeTest {
    /** Run in a child JVM: starts a stub, prints its pid, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        int fd = Host.memfdCreate("probe", 1);
        Host.ftruncate(fd, 1 << 20);
        AddressSpace as = PtracePlatform.create().newAddressSpace(fd);
        System.out.println(((PtraceAddressSpace) as).pid());
        System.out.flush();
        Thread.sleep(60_000);
    }

    @Test
    void stubDiesWithTheSentry() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StubLifetimeTest.class.getName()).redirectErrorStream(true).start();
        int stub;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            stub = Integer.parseInt(r.readLine().trim());
            assertTrue(Files.exists(Path.of("/proc/" + stub)), "stub runs while the Sentry lives");
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Files.exists(Path.of("/proc/" + stub)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(isAlive(stub), "stub " + stub + " outlived its Sentry");
    }

    private static boolean isAlive(int pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) return false;
        String s = Files.readString(stat);
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z"); // a zombie is dead, reaped by init
    }
}
