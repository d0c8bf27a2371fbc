package dev.cryo.sentry.fs.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The host's /proc and /sys never show through the host root: they would describe the host. */
class HostPseudoFsTest {
    @Test
    void procAndSysAreEmptyAndNothingInsideThemResolves() {
        try (HostFilesystem fs = new HostFilesystem("/")) {
            for (String mount : new String[] {"/proc", "/sys"}) {
                try (Node n = fs.lookup(mount, true)) {
                    assertTrue(Stat.isDir(n.stat()));
                    assertEquals(0, n.open(0).getdents64(null, 0, 4096), mount + " lists nothing");
                }
            }
            for (String inside : new String[] {"/proc/self/environ", "/proc/1/cmdline", "/proc/cpuinfo",
                    "/sys/kernel", "/proc/self"}) {
                SyscallError e = assertThrows(SyscallError.class, () -> fs.lookup(inside, true).close(), inside);
                assertEquals(Errno.ENOENT, e.errno(), inside);
            }
            // The magic link itself is refused even before the mask (RESOLVE_NO_MAGICLINKS).
            assertEquals(Errno.ELOOP, assertThrows(SyscallError.class,
                    () -> fs.lookup("/proc/../proc/self/root/etc/passwd", true).close()).errno());
            if (Files.isSymbolicLink(Path.of("/etc/mtab"))) {
                // Debian: /etc/mtab -> ../proc/self/mounts; reaching in by symlink is refused too.
                assertEquals(Errno.ENOENT, assertThrows(SyscallError.class, () -> fs.lookup("/etc/mtab", true).close()).errno());
            }
        }
    }
}
