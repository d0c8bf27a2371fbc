package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.pipe.Pipe;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.fs.socket.Iov;
import dev.cryo.sentry.fs.socket.UnixSocket;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.ImageException;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restore checks the open files of a loaded kernel before anything runs: a pipe or socket
 * whose saved state its operations would trip on (a crafted image with valid checksums) is
 * refused with a message naming the task and descriptor, not met later as a task's crash.
 */
class LoadedFilesCheckTest {
    @Test
    void inconsistentPipesAndSocketsAreRefused() throws Exception {
        Kernel k = new Kernel(new NoPlatform(), Filesystems.hostRoot("/"), null);
        try {
            Task t = k.startInit("/bin/busybox", List.of("busybox"), List.of(), "/", fds -> { });
            k.lock().lock();
            try {
                PipeFile[] p = Pipe.create(k.lock(), 5, 0);
                t.fds().installAt(20, p[0], false);
                t.fds().installAt(21, p[1], false);
                UnixSocket[] s = UnixSocket.pair(k.lock(), UnixSocket.SOCK_STREAM, 0, new long[] {6, 7}, 0, 1, 0, 0);
                t.fds().installAt(22, s[0], false);
                t.fds().installAt(23, s[1], false);
                var mem = t.mm().usermem();
                long buf = t.regs()[dev.cryo.platform.Regs.RSP] - 4096;
                mem.write(buf, "hello".getBytes());
                assertEquals(5, p[1].write(mem, buf, 5));
                assertEquals(5, s[0].send(mem, Iov.of(buf, 5), 0, null, new int[] {1, 0, 0}));
                ImageChecks.check(k, false); // consistent: passes
                assertNull(p[0].checkLoaded());

                Object page = ((List<?>) field(field(p[0], "pipe"), "pages")).get(0);
                set(page, "len", 5000); // past its page
                ImageException e = assertThrows(ImageException.class, () -> ImageChecks.check(k, false));
                assertTrue(e.getMessage().contains("descriptor 20: a pipe's bad page"), e.getMessage());
                set(page, "len", 5);

                Object segment = ((List<?>) field(s[1], "queue")).get(0);
                set(segment, "off", 6); // past its 5 bytes
                e = assertThrows(ImageException.class, () -> ImageChecks.check(k, false));
                assertTrue(e.getMessage().contains("descriptor 23: a socket's bad queued message"), e.getMessage());
                set(segment, "off", 0);
                set(s[0], "type", 3);
                e = assertThrows(ImageException.class, () -> ImageChecks.check(k, false));
                assertTrue(e.getMessage().contains("descriptor 22: a socket of type 3"), e.getMessage());
            } finally {
                k.lock().unlock();
            }
        } finally {
            k.memoryFile().close();
        }
    }

    private static Object field(Object o, String name) throws Exception {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    private static void set(Object o, String name, int v) throws Exception {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        f.setInt(o, v);
    }
}
