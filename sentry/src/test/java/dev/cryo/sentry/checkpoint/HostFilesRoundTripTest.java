package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.host.HostStdio;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.HostBacked;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host-backed descriptions on a temp-dir root: saved, loaded (as a restore in another process
 * would: nothing of the original object is shared), reopened by path, and checked against
 * the host file.
 */
class HostFilesRoundTripTest {
    static final int DIR_ENTRIES = 300;

    @TempDir
    Path root;
    VirtualFilesystem vfs;
    Task t;
    Usermem mem;
    final List<FileDescription> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hello"), "hello world\n");
        Files.createDirectories(root.resolve("many"));
        for (int i = 0; i < DIR_ENTRIES; i++) {
            Files.writeString(root.resolve(String.format("many/entry-%03d-with-a-longish-name", i)), "");
        }
        vfs = Filesystems.hostRoot(root.toString());
        t = TestTasks.newTask(vfs);
        mem = t.mm().usermem();
    }

    @AfterEach
    void tearDown() {
        for (FileDescription f : open) f.decRef();
        TestTasks.dispose(t);
        vfs.close();
    }

    /** Opens {@code path} as a descriptor table would hold it; released after the test. */
    private FileDescription open(String path, int flags) {
        return track(vfs.open("/", path, flags));
    }

    private FileDescription track(FileDescription f) {
        f.incRef();
        open.add(f);
        return f;
    }

    /** The description as a restore would bring it back, released after the test. */
    private FileDescription restored(FileDescription f) {
        FileDescription r = RoundTrip.of(f);
        assertNotSame(f, r);
        open.add(r); // its reference count came with it
        return r;
    }

    private String read(FileDescription f, int n) {
        long got = f.read(mem, TestTasks.SCRATCH, n);
        return new String(mem.read(TestTasks.SCRATCH, (int) got), StandardCharsets.ISO_8859_1);
    }

    @Test
    void anOpenFileReadsOnFromItsOffset() {
        FileDescription f = open("/etc/hello", OpenFlags.O_RDONLY);
        assertEquals("hello", read(f, 5));
        FileDescription r = restored(f);
        ((HostBacked) r).verifySame(false);
        assertEquals(" world\n", read(r, 100));
        assertEquals("", read(r, 100));
        assertEquals(0, r.seek(0, 0));
        assertEquals("hello world\n", read(r, 100));
        assertArrayEquals(f.stat(), r.stat());
        assertEquals("/etc/hello", r.path());
        assertEquals(f.flags(), r.flags());
    }

    @Test
    void aRestoredFileReopensOnFirstUseWithoutVerify() {
        FileDescription f = open("/etc/hello", OpenFlags.O_RDONLY);
        f.seek(6, 0);
        FileDescription r = restored(f);
        assertEquals("world\n", read(r, 100));
    }

    @Test
    void aDirectoryListingContinuesWhereItStopped() {
        FileDescription d = open("/many", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        List<String> names = new ArrayList<>(getdents(d, 1024));
        assertTrue(names.size() > 0 && names.size() < DIR_ENTRIES / 4, "first chunk: " + names.size());
        FileDescription r = restored(d);
        ((HostBacked) r).verifySame(false);
        List<String> chunk;
        while (!(chunk = getdents(r, 1024)).isEmpty()) names.addAll(chunk);
        Set<String> unique = new HashSet<>(names);
        assertEquals(names.size(), unique.size(), "no entry listed twice");
        assertEquals(DIR_ENTRIES + 2, unique.size(), "every entry listed");
        assertTrue(unique.contains(".") && unique.contains("..") && unique.contains("entry-123-with-a-longish-name"));
    }

    /** One getdents64 call of {@code len} bytes: the names it returned. */
    private List<String> getdents(FileDescription d, int len) {
        long n = d.getdents64(mem, TestTasks.SCRATCH, len);
        ByteBuffer b = ByteBuffer.wrap(mem.read(TestTasks.SCRATCH, (int) n)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> names = new ArrayList<>();
        for (int pos = 0; pos < n; ) {
            int reclen = b.getShort(pos + 16) & 0xffff;
            int end = pos + 19;
            while (b.get(end) != 0) end++;
            names.add(new String(b.array(), pos + 19, end - pos - 19, StandardCharsets.ISO_8859_1));
            pos += reclen;
        }
        return names;
    }

    @Test
    void anOpathFileComesBackAsAPositionInTheTree() {
        FileDescription p = open("/etc", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY);
        FileDescription r = restored(p);
        ((HostBacked) r).verifySame(false);
        assertTrue(r.isPathOnly());
        assertTrue(r.isDirectory());
        assertArrayEquals(p.stat(), r.stat());
    }

    @Test
    void aFileThatGrewFailsVerifyUnlessChangesAreAccepted() throws Exception {
        FileDescription f = open("/etc/hello", OpenFlags.O_RDONLY);
        assertEquals("hello", read(f, 5));
        byte[] image = new dev.cryo.serializer.StateCodec(SentryClasses.registry()).save(f);
        Files.writeString(root.resolve("etc/hello"), "more\n", StandardOpenOption.APPEND);

        FileDescription r = load(image);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ((HostBacked) r).verifySame(false));
        assertEquals("host file " + root + "/etc/hello changed since the checkpoint (size/mtime)", e.getMessage());
        ((HostBacked) r).verifySame(true);
        assertEquals(" world\nmore\n", read(r, 100));
    }

    @Test
    void aFileWithANewMtimeFailsVerifyEvenAtTheSameSize() throws Exception {
        FileDescription f = open("/etc/hello", OpenFlags.O_RDONLY);
        byte[] image = new dev.cryo.serializer.StateCodec(SentryClasses.registry()).save(f);
        Path host = root.resolve("etc/hello");
        Files.setLastModifiedTime(host, FileTime.fromMillis(Files.getLastModifiedTime(host).toMillis() + 60_000));

        FileDescription r = load(image);
        assertThrows(IllegalStateException.class, () -> ((HostBacked) r).verifySame(false));
        ((HostBacked) r).verifySame(true);
        assertEquals("hello world\n", read(r, 100));
    }

    @Test
    void aFileThatIsGoneOrNoLongerAFileAlwaysFails() throws Exception {
        byte[] image = new dev.cryo.serializer.StateCodec(SentryClasses.registry()).save(open("/etc/hello", OpenFlags.O_RDONLY));
        Files.delete(root.resolve("etc/hello"));
        FileDescription gone = load(image);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ((HostBacked) gone).verifySame(true));
        assertTrue(e.getMessage().startsWith("host file " + root + "/etc/hello cannot be reopened"), e.getMessage());

        Files.createDirectory(root.resolve("etc/hello"));
        FileDescription dir = load(image);
        e = assertThrows(IllegalStateException.class, () -> ((HostBacked) dir).verifySame(true));
        assertTrue(e.getMessage().contains("no longer the same kind of file"), e.getMessage());
    }

    private FileDescription load(byte[] image) throws Exception {
        FileDescription r = new dev.cryo.serializer.StateCodec(SentryClasses.registry()).load(image, FileDescription.class, null);
        open.add(r);
        return r;
    }

    @Test
    void theRootFilesystemServesLookupsAfterLoad() {
        VirtualFilesystem r = RoundTrip.of(vfs);
        try {
            r.verifySame(false);
            FileDescription f = track(r.open("/", "/etc/hello", OpenFlags.O_RDONLY));
            assertEquals("hello world\n", read(f, 100));
            assertTrue(Stat.isDir(r.stat("/", "/many", true)));
        } finally {
            r.close();
        }
    }

    @Test
    void aMissingRootFailsVerify() throws Exception {
        Path other = Files.createDirectory(root.resolve("other-root"));
        VirtualFilesystem v = Filesystems.hostRoot(other.toString());
        byte[] image = new dev.cryo.serializer.StateCodec(SentryClasses.registry()).save(v);
        v.close();
        Files.delete(other);
        VirtualFilesystem r = new dev.cryo.serializer.StateCodec(SentryClasses.registry()).load(image, VirtualFilesystem.class, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.verifySame(true));
        assertTrue(e.getMessage().startsWith("host root " + other), e.getMessage());
    }

    @Test
    void stdioIsRebound() {
        FdTable fds = new FdTable(16);
        HostStdio.install(fds);
        try {
            FdTable r = RoundTrip.of(fds);
            try {
                for (int fd = 0; fd < 3; fd++) {
                    HostStdio s = (HostStdio) r.get(fd);
                    assertEquals(fd, s.stdFd());
                    assertEquals(fds.get(fd).flags(), s.flags());
                    // The loaded description is a new dup of this process's own descriptor.
                    byte[] mine = dev.cryo.sentry.fs.host.HostCalls.fstat(fd);
                    byte[] its = s.stat();
                    assertEquals(ByteBuffer.wrap(mine, 0, 16), ByteBuffer.wrap(its, 0, 16), "same dev and inode as fd " + fd);
                }
            } finally {
                r.closeAll();
            }
        } finally {
            fds.closeAll();
        }
    }
}
