package dev.cryo.sentry.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualFilesystemTest {
    @TempDir
    Path root;

    @Test
    void lexicalCleanAndAbsolute() {
        assertEquals("/dev/null", VirtualFilesystem.lexicalClean("/a/../../dev/./null"));
        assertEquals("/", VirtualFilesystem.lexicalClean("/.."));
        assertEquals("/usr/bin/x", VirtualFilesystem.absolute("/usr/bin", "x"));
        assertEquals("/x", VirtualFilesystem.absolute("/", "x"));
        assertEquals("/y", VirtualFilesystem.absolute("/usr", "/y"));
    }

    @Test
    void statxCarriesTheStatFields() {
        byte[] st = Stat.synthetic(Stat.makedev(8, 1), 42, Stat.S_IFCHR | 0600, Stat.makedev(259, 300), 4096, 7);
        ByteBuffer x = ByteBuffer.wrap(Stat.toStatx(st)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Stat.STATX_BASIC_STATS, x.getInt(0));
        assertEquals(42, x.getLong(32));
        assertEquals(259, x.getInt(128));
        assertEquals(300, x.getInt(132));
        assertEquals(8, x.getInt(136));
        assertEquals(7, x.getLong(112));
        assertEquals(Stat.S_IFCHR | 0600, x.getShort(28) & 0xffff);
    }

    @Test
    void stdioIsTheHostsOwn() {
        FdTable fds = new FdTable(64);
        dev.cryo.sentry.fs.host.HostStdio.install(fds);
        byte[] st = fds.get(1).stat();
        assertTrue(Stat.type(st) != 0, "a real host fstat");
        fds.closeAll();
    }

    @Test
    void devicePathsBelowADeviceAreNotDirectories() {
        VirtualFilesystem vfs = dev.cryo.sentry.fs.Filesystems.hostRoot(root.toString());
        try {
            vfs.stat("/", "/dev/zero/x", true);
        } catch (SyscallError e) {
            assertEquals(Errno.ENOTDIR, e.errno());
            return;
        }
        throw new AssertionError("no error");
    }

    /** DESIGN.md rule 1: no static mutable state in the filesystem code. */
    @Test
    void noStaticMutableState() throws Exception {
        Class<?>[] classes = {VirtualFilesystem.class, FdTable.class, FileDescription.class, FsContext.class,
                dev.cryo.sentry.fs.host.HostStdio.class, Stat.class, OpenFlags.class,
                Class.forName("dev.cryo.sentry.fs.host.HostFilesystem"), Class.forName("dev.cryo.sentry.fs.host.HostFile"),
                Class.forName("dev.cryo.sentry.fs.host.HostDirectory"), Class.forName("dev.cryo.sentry.fs.host.HostDescription"),
                Class.forName("dev.cryo.sentry.fs.dev.DevFile"), Class.forName("dev.cryo.sentry.fs.dev.Device")};
        for (Class<?> c : classes) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) && !f.isEnumConstant() && !f.isSynthetic()) {
                    assertTrue(Modifier.isFinal(m) && (f.getType().isPrimitive() || f.getType() == String.class),
                            c.getSimpleName() + "." + f.getName() + " is static mutable state");
                }
            }
        }
    }
}
