package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.dev.DevFile;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.StateCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restorer, not the image, decides which host directory a restored sandbox sees as "/". */
class RestoreRootTest {
    @TempDir
    Path root;

    @Test
    void theRestorersRootReplacesTheImages() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs /bin/busybox");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        Kernel k = new Kernel(new NoPlatform(), Filesystems.hostRoot(root.toString()), null);
        byte[] image;
        try {
            k.startInit("/bin/busybox", List.of("busybox"), List.of(), "/", fds -> {
                DevFile nul = new DevFile(Device.NULL, OpenFlags.O_RDWR, "/dev/null");
                for (int fd = 0; fd < 3; fd++) fds.installAt(fd, nul, false);
            });
            assertEquals(Errno.ENOENT, assertThrows(SyscallError.class,
                    () -> k.vfs().stat("/", "/etc/os-release", true)).errno(), "the saved sandbox sees only its root");
            image = new StateCodec(SentryClasses.registry()).save(k);
        } finally {
            k.memoryFile().close();
            k.vfs().close();
        }
        // An image that names a narrow root, restored by someone who chose "/": "/" it is.
        Kernel wide = new StateCodec(SentryClasses.registry()).load(image, Kernel.class,
                new Kernel.RestoreEnv(new NoPlatform(), null, null, "/"));
        try {
            wide.vfs().stat("/", "/etc/os-release", true);
        } finally {
            wide.memoryFile().close();
            wide.vfs().close();
        }
        Kernel same = new StateCodec(SentryClasses.registry()).load(image, Kernel.class,
                new Kernel.RestoreEnv(new NoPlatform(), null, null, root.toString()));
        try {
            assertEquals(Errno.ENOENT, assertThrows(SyscallError.class,
                    () -> same.vfs().stat("/", "/etc/os-release", true)).errno());
        } finally {
            same.memoryFile().close();
            same.vfs().close();
        }
    }
}
