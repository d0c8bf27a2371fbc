package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.Event;
import dev.cryo.platform.Platform;
import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.dev.DevFile;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.StateCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole kernel (root "/", one task loaded with busybox on a platform that runs nothing) saved
 * and loaded: the task's descriptors, filesystem context and identity come back, and
 * {@link HostFiles#verifySame} finds the host files it holds. Memory contents are not saved yet.
 */
class KernelRoundTripTest {
    static final String PROGRAM = "/bin/busybox";

    @TempDir
    Path dir;

    @Test
    void aKernelRoundTripsAndItsHostFilesAreChecked() throws Exception {
        assumeTrue(new java.io.File(PROGRAM).canExecute(), "needs " + PROGRAM);
        Files.writeString(dir.resolve("data"), "0123456789");
        Path file = dir.resolve("data").toRealPath(); // the root is "/": sandbox and host paths agree
        Kernel k = new Kernel(new NoPlatform(), Filesystems.hostRoot("/"), null);
        Kernel r = null;
        try {
            Task t = k.startInit(PROGRAM, List.of("busybox"), List.of(), "/tmp", KernelRoundTripTest::devNullStdio);
            int fd = t.fds().install(k.vfs().open("/", file.toString(), OpenFlags.O_RDONLY), true, 0);
            t.fds().get(fd).seek(4, 0);
            t.fs().setUmask(077);
            t.setMempolicy(3 | 1 << 15, 5); // MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, the user's nodes 0 and 2
            k.setHostname("saved");
            k.stats().countEnosys(999);

            byte[] image = new StateCodec(SentryClasses.registry()).save(k);
            r = new StateCodec(SentryClasses.registry()).load(image, Kernel.class, new Kernel.RestoreEnv(new NoPlatform(), null, null));

            assertEquals("saved", r.hostname());
            assertEquals(1L, r.stats().enosys().get(999L));
            Task rt = r.tasks().get(1);
            assertSame(r, rt.kernel());
            assertEquals(java.nio.file.Path.of(PROGRAM).toRealPath().toString(), rt.execPath()); // canonical, as /proc/PID/exe
            assertEquals(t.execPath(), rt.execPath());
            assertEquals(t.startedAt(), rt.startedAt()); // /proc/PID/stat's starttime
            assertEquals(3 | 1 << 15, rt.mempolicy());
            assertEquals(5, rt.mempolicyNodes());
            assertEquals(t.regs()[dev.cryo.platform.Regs.RIP], rt.regs()[dev.cryo.platform.Regs.RIP]);
            assertEquals(077, rt.fs().umask());
            assertEquals(t.fs().cwd(), rt.fs().cwd());
            FdTable fds = rt.fds();
            assertTrue(fds.isCloexec(fd));
            assertTrue(fds.get(0) instanceof DevFile && fds.get(0) == fds.get(2));
            HostFiles.verifySame(r, false);
            assertEquals(4, fds.get(fd).seek(0, 1));

            Files.writeString(file, "!", StandardOpenOption.APPEND);
            Kernel changed = new StateCodec(SentryClasses.registry()).load(image, Kernel.class, new Kernel.RestoreEnv(new NoPlatform(), null, null));
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostFiles.verifySame(changed, false));
                assertEquals("host file " + file + " changed since the checkpoint (size/mtime)", e.getMessage());
                HostFiles.verifySame(changed, true);
            } finally {
                dispose(changed);
            }
        } finally {
            if (r != null) dispose(r);
            dispose(k);
        }
    }

    private static void devNullStdio(FdTable fds) {
        DevFile nul = new DevFile(Device.NULL, OpenFlags.O_RDWR, "/dev/null");
        for (int fd = 0; fd < 3; fd++) fds.installAt(fd, nul, false);
    }

    /** Releases what a kernel holds on the host, whatever state a load left it in. */
    private static void dispose(Kernel k) {
        for (Task t : k.tasks().values()) t.fds().closeAll();
        k.vfs().close();
        // A loaded memory file is rebuilt by the restore, which these tests do not run: release it
        // only if it holds a memfd (never unmap "its" mapping at address 0 of a half-built one).
        if (k.memoryFile().fd() > 2) k.memoryFile().close();
    }


}
