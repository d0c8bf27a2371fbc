package dev.cryo.sentry.fs.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.checkpoint.SentryClasses;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.StateCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a loaded host object does with its host descriptors, seen from inside the package. */
class HostSaveTest {
    @TempDir
    Path dir;

    private static <T> T roundTrip(T obj, Class<T> type) throws Exception {
        byte[] bytes = new StateCodec(SentryClasses.registry()).save(obj);
        return new StateCodec(SentryClasses.registry()).load(bytes, type, null);
    }

    @Test
    void aLoadedRootFilesystemReopensItsRootAndNeverUsesStdin() throws Exception {
        HostFilesystem fs = new HostFilesystem(dir.toString());
        HostFilesystem r = roundTrip(fs, HostFilesystem.class);
        fs.close();
        try {
            r.close(); // before any use: must not close descriptor 0
            int fd = r.rootFd();
            assertTrue(fd > 2, "root fd " + fd);
            assertEquals(dir.toRealPath().toString(), HostCalls.latin1(HostCalls.readlink(-100, "/proc/self/fd/" + fd)));
            assertTrue(Host.fcntl(0, 1 /* F_GETFD */, 0) >= 0, "stdin still open");
        } finally {
            r.close();
        }
    }

    @Test
    void stdioWritesToTheRestoringProcesssDescriptorAgain() throws Exception {
        Path out = dir.resolve("stdout");
        Files.writeString(out, "");
        // Stands for the cryo process's stdout: a descriptor of this process the test can read back.
        int std = Host.openat(-100, out.toString(), OpenFlags.O_WRONLY | OpenFlags.O_APPEND | OpenFlags.O_CLOEXEC, 0);
        Task t = TestTasks.newTask(dev.cryo.sentry.fs.Filesystems.hostRoot(dir.toString()));
        try {
            Usermem mem = t.mm().usermem();
            HostStdio s = new HostStdio(Host.dup(std), OpenFlags.O_WRONLY, std);
            s.incRef();
            mem.write(TestTasks.SCRATCH, "before\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(7, s.write(mem, TestTasks.SCRATCH, 7));
            HostStdio r = roundTrip(s, HostStdio.class);
            s.decRef(); // the checkpointed process's dup is gone
            mem.write(TestTasks.SCRATCH, "after\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(6, r.write(mem, TestTasks.SCRATCH, 6));
            r.decRef();
            assertEquals("before\nafter\n", Files.readString(out));
            assertEquals("/dev/fd/" + std, r.path());
        } finally {
            TestTasks.dispose(t);
            Host.close(std);
        }
    }

    @Test
    void identityIsTakenFromTheStatAtOpen() throws Exception {
        Files.writeString(dir.resolve("f"), "12345");
        HostFilesystem fs = new HostFilesystem(dir.toString());
        try (HostNode n = (HostNode) fs.lookup("/f", true)) {
            HostFile f = (HostFile) n.open(OpenFlags.O_RDONLY);
            f.incRef();
            HostIdentity id = f.identity();
            assertEquals(dev.cryo.sentry.vfs.Stat.S_IFREG, id.type());
            assertEquals(5, id.size());
            assertEquals(Files.getLastModifiedTime(dir.resolve("f")).toInstant().getEpochSecond(), id.mtimeSec());
            assertEquals(id, roundTrip(f, HostFile.class).identity());
            f.decRef();
        } finally {
            fs.close();
        }
    }
}
