package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EBUSY;
import static dev.cryo.sentry.abi.Errno.EEXIST;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EISDIR;
import static dev.cryo.sentry.abi.Errno.ELOOP;
import static dev.cryo.sentry.abi.Errno.ENAMETOOLONG;
import static dev.cryo.sentry.abi.Errno.ENOENT;
import static dev.cryo.sentry.abi.Errno.ENOSPC;
import static dev.cryo.sentry.abi.Errno.ENOTDIR;
import static dev.cryo.sentry.abi.Errno.ENOTEMPTY;
import static dev.cryo.sentry.abi.Errno.ENOTTY;
import static dev.cryo.sentry.abi.Errno.ENXIO;
import static dev.cryo.sentry.abi.Errno.ERANGE;
import static dev.cryo.sentry.abi.Errno.EROFS;
import static dev.cryo.sentry.vfs.OpenFlags.O_CREAT;
import static dev.cryo.sentry.vfs.OpenFlags.O_DIRECTORY;
import static dev.cryo.sentry.vfs.OpenFlags.O_EXCL;
import static dev.cryo.sentry.vfs.OpenFlags.O_NOFOLLOW;
import static dev.cryo.sentry.vfs.OpenFlags.O_PATH;
import static dev.cryo.sentry.vfs.OpenFlags.O_RDONLY;
import static dev.cryo.sentry.vfs.OpenFlags.O_RDWR;
import static dev.cryo.sentry.vfs.OpenFlags.O_TRUNC;
import static dev.cryo.sentry.vfs.OpenFlags.O_WRONLY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file syscalls on a read-only temp-dir root: confinement, EROFS, devices, errnos. */
class FileSyscallsTest {
    static final int AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;

    @TempDir
    Path root;
    VfsHarness h;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hello"), "hello world\n");
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/prog"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(root.resolve("bin/prog"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("dir/sub"));
        Files.createSymbolicLink(root.resolve("link-abs"), Path.of("/etc/hello"));
        Files.createSymbolicLink(root.resolve("abs-escape"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(root.resolve("dir/rel-escape"), Path.of("../../../../../../etc/passwd"));
        Files.createSymbolicLink(root.resolve("to-root"), Path.of("/"));
        Files.createSymbolicLink(root.resolve("proc-self"), Path.of("/proc/self/root"));
        Files.createSymbolicLink(root.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(root.resolve("loop2"), Path.of("loop1"));
        Files.createSymbolicLink(root.resolve("dirlink"), Path.of("dir/sub"));
        mknod(root.resolve("fifo"), Stat.S_IFIFO | 0644, 0);
        mknod(root.resolve("mynull"), Stat.S_IFCHR | 0666, Stat.makedev(1, 3));
        mknod(root.resolve("mem"), Stat.S_IFCHR | 0600, Stat.makedev(1, 1));
        h = new VfsHarness(TestTasks.newTask(dev.cryo.sentry.fs.Filesystems.hostRoot(root.toString())));
    }

    @AfterEach
    void tearDown() {
        TestTasks.dispose(h.t);
    }

    private static void mknod(Path p, int mode, long dev) {
        byte[] b = (p.toString() + "\0").getBytes(StandardCharsets.UTF_8);
        long mem = Host.allocate(b.length);
        try {
            Host.putBytes(mem, b, 0, b.length);
            Host.syscall("mknod", 133, mem, mode, dev, 0, 0, 0);
        } finally {
            Host.free(mem);
        }
    }

    long open(String path, int flags) {
        return h.call(SysFile::openat, AT_FDCWD, h.str(path), flags, 0);
    }

    String readAll(long fd) {
        long buf = h.alloc(4096);
        long n = h.call(SysReadWrite::read, fd, buf, 4096);
        assertTrue(n >= 0, "read: " + n);
        return new String(h.read(buf, (int) n), StandardCharsets.ISO_8859_1);
    }

    byte[] stat(String path, int flags) {
        long buf = h.alloc(144);
        long r = h.call(SysStat::newfstatat, AT_FDCWD, h.str(path), buf, flags);
        assertEquals(0, r, "stat " + path);
        return h.read(buf, 144);
    }

    long statErr(String path) {
        return h.call(SysStat::newfstatat, AT_FDCWD, h.str(path), h.alloc(144), 0);
    }

    // ---- confinement

    @Test
    void dotDotNeverLeavesTheRoot() {
        assertEquals(-ENOENT, open("/../../../../etc/passwd", O_RDONLY));
        assertEquals(-ENOENT, open("../../../../../etc/passwd", O_RDONLY));
        long fd = open("/../../../etc/../../etc/hello", O_RDONLY);
        assertTrue(fd >= 0);
        assertEquals("hello world\n", readAll(fd));
    }

    @Test
    void symlinksResolveInsideTheRoot() {
        assertEquals(-ENOENT, open("/abs-escape", O_RDONLY));
        assertEquals(-ENOENT, open("/dir/rel-escape", O_RDONLY));
        assertEquals("hello world\n", readAll(open("/link-abs", O_RDONLY)));
        assertEquals("hello world\n", readAll(open("/to-root/to-root/etc/hello", O_RDONLY)));
        assertEquals(-ENOENT, open("/to-root/../../etc/passwd", O_RDONLY));
        // /proc magic links are refused; with a temp root the plain path does not exist either.
        assertTrue(open("/proc-self/etc/passwd", O_RDONLY) < 0);
    }

    @Test
    void symlinkLoopsAndNoFollow() {
        assertEquals(-ELOOP, open("/loop1", O_RDONLY));
        assertEquals(-ELOOP, statErr("/loop1"));
        assertEquals(-ELOOP, open("/link-abs", O_RDONLY | O_NOFOLLOW));
        assertTrue(open("/link-abs", O_PATH | O_NOFOLLOW) >= 0);
        assertTrue(Stat.isSymlink(stat("/loop1", AT_SYMLINK_NOFOLLOW)));
    }

    @Test
    void longAndEmptyPaths() {
        assertEquals(-ENAMETOOLONG, open("/" + "a".repeat(5000), O_RDONLY));
        assertEquals(-ENAMETOOLONG, open("/" + "a".repeat(300), O_RDONLY));
        assertEquals(-ENOENT, open("", O_RDONLY));
        assertEquals(-ENOENT, statErr(""));
        assertEquals(-EFAULT, h.call(SysFile::openat, AT_FDCWD, 0x1000, O_RDONLY, 0));
    }

    @Test
    void emptyPathWithAtEmptyPathNamesTheDescriptor() {
        long fd = open("/etc/hello", O_RDONLY);
        long buf = h.alloc(144);
        assertEquals(0, h.call(SysStat::newfstatat, fd, h.str(""), buf, AT_EMPTY_PATH));
        assertEquals(12, Stat.size(h.read(buf, 144)));
        assertEquals(-ENOENT, h.call(SysStat::newfstatat, fd, h.str(""), buf, 0));
        assertEquals(-EBADF, h.call(SysStat::newfstatat, 99, h.str(""), buf, AT_EMPTY_PATH));
    }

    @Test
    void dirfdRelativeLookupsAndCwd() {
        long dir = open("/dir", O_RDONLY | O_DIRECTORY);
        assertTrue(h.call(SysFile::openat, dir, h.str("sub"), O_RDONLY | O_DIRECTORY, 0) >= 0);
        long file = open("/etc/hello", O_RDONLY);
        assertEquals(-ENOTDIR, h.call(SysFile::openat, file, h.str("x"), O_RDONLY, 0));
        assertEquals(-EBADF, h.call(SysFile::openat, 77, h.str("x"), O_RDONLY, 0));
        // An absolute path ignores the dirfd, even a bad one.
        assertTrue(h.call(SysFile::openat, 77, h.str("/etc/hello"), O_RDONLY, 0) >= 0);

        assertEquals(0, h.call(SysDir::chdir, h.str("/dirlink")));
        assertEquals("/dir/sub", cwd());
        assertEquals("hello world\n", readAll(open("../../etc/hello", O_RDONLY)));
        assertEquals(-ENOTDIR, h.call(SysDir::chdir, h.str("/etc/hello")));
        assertEquals(-ENOENT, h.call(SysDir::chdir, h.str("/nope")));
        assertEquals(0, h.call(SysDir::fchdir, dir));
        assertEquals("/dir", cwd());
        assertEquals(-ENOTDIR, h.call(SysDir::fchdir, file));
        assertEquals(-ERANGE, h.call(SysDir::getcwd, h.alloc(8), 3));
    }

    private String cwd() {
        long buf = h.alloc(256);
        long n = h.call(SysDir::getcwd, buf, 256);
        assertTrue(n > 0);
        return new String(h.read(buf, (int) n - 1), StandardCharsets.ISO_8859_1);
    }

    // ---- read-only

    @Test
    void writesAreRefusedAfterLinuxChecks() {
        assertEquals(-EROFS, open("/etc/hello", O_WRONLY));
        assertEquals(-EROFS, open("/etc/hello", O_RDWR));
        assertEquals(-EROFS, open("/etc/hello", O_RDONLY | O_TRUNC));
        assertEquals(-EROFS, open("/etc/new", O_WRONLY | O_CREAT));
        assertEquals(-EEXIST, open("/etc/hello", O_WRONLY | O_CREAT | O_EXCL));
        assertEquals(-ENOENT, open("/nodir/new", O_WRONLY | O_CREAT));
        assertEquals(-ENOTDIR, open("/etc/hello/new", O_WRONLY | O_CREAT));
        assertEquals(-EISDIR, open("/etc", O_WRONLY));
        assertEquals(-EISDIR, open("/etc", O_RDONLY | O_CREAT));
        assertEquals(-EINVAL, open("/etc/x", O_RDONLY | O_CREAT | O_DIRECTORY));
        assertTrue(open("/etc/hello", O_RDONLY | O_CREAT) >= 0);
        assertEquals(-EROFS, h.call(SysFile::creat, h.str("/etc/hello"), 0644));

        assertEquals(-EEXIST, h.call(SysFile::mkdir, h.str("/etc"), 0755));
        assertEquals(-EEXIST, h.call(SysFile::mkdir, h.str("/loop1"), 0755));
        assertEquals(-EROFS, h.call(SysFile::mkdir, h.str("/newdir"), 0755));
        assertEquals(-ENOENT, h.call(SysFile::mkdir, h.str("/a/b"), 0755));
        assertEquals(-ENOTDIR, h.call(SysFile::mkdirat, AT_FDCWD, h.str("/etc/hello/b"), 0755));
        assertEquals(-EROFS, h.call(SysFile::unlink, h.str("/etc/hello")));
        assertEquals(-EROFS, h.call(SysFile::unlink, h.str("/etc/missing")));
        assertEquals(-ENOENT, h.call(SysFile::unlink, h.str("/missing/x")));
        assertEquals(-EINVAL, h.call(SysFile::unlinkat, AT_FDCWD, h.str("/etc/x"), 0x1));
        assertEquals(-EINVAL, h.call(SysFile::rmdir, h.str("/etc/.")));
        assertEquals(-ENOTEMPTY, h.call(SysFile::rmdir, h.str("/etc/..")));
        assertEquals(-EROFS, h.call(SysFile::unlinkat, AT_FDCWD, h.str("/dir/sub"), AT_REMOVEDIR));
        assertEquals(-EROFS, h.call(SysFile::rename, h.str("/etc/hello"), h.str("/etc/bye")));
        assertEquals(-EBUSY, h.call(SysFile::rename, h.str("/etc/."), h.str("/etc/bye")));
        assertEquals(-ENOENT, h.call(SysFile::rename, h.str("/etc/hello"), h.str("/no/bye")));
        assertEquals(-EINVAL, h.call(SysFile::renameat2, AT_FDCWD, h.str("/a"), AT_FDCWD, h.str("/b"), 3));
        assertEquals(-EEXIST, h.call(SysFile::symlink, h.str("x"), h.str("/etc/hello")));
        assertEquals(-EROFS, h.call(SysFile::symlink, h.str("x"), h.str("/etc/sym")));
        assertEquals(-ENOENT, h.call(SysFile::link, h.str("/etc/missing"), h.str("/etc/l")));
        assertEquals(-EROFS, h.call(SysFile::link, h.str("/etc/hello"), h.str("/etc/l")));
        assertEquals(-EROFS, h.call(SysFile::chmod, h.str("/etc/hello"), 0600));
        assertEquals(-ENOENT, h.call(SysFile::chmod, h.str("/etc/missing"), 0600));
        assertEquals(-EROFS, h.call(SysFile::lchown, h.str("/loop1"), 0, 0));
        assertEquals(-ELOOP, h.call(SysFile::chown, h.str("/loop1"), 0, 0));
        assertEquals(-EINVAL, h.call(SysFile::truncate, h.str("/etc/hello"), -1));
        assertEquals(-EISDIR, h.call(SysFile::truncate, h.str("/etc"), 0));
        assertEquals(-EROFS, h.call(SysFile::truncate, h.str("/etc/hello"), 0));
        long fd = open("/etc/hello", O_RDONLY);
        assertEquals(-EINVAL, h.call(SysFile::ftruncate, fd, 0));
        assertEquals(-EROFS, h.call(SysFile::fchmod, fd, 0600));
        assertEquals(-EBADF, h.call(SysFile::fchmod, 55, 0600));
        assertEquals(-EROFS, h.call(SysFile::utimensat, AT_FDCWD, h.str("/etc/hello"), 0, 0));
        assertEquals(-EPERM_MKNOD_DIR, h.call(SysFile::mknod, h.str("/etc/n"), Stat.S_IFDIR | 0755, 0));
        assertEquals(-EROFS, h.call(SysFile::mknod, h.str("/etc/n"), Stat.S_IFIFO | 0644, 0));
    }

    private static final int EPERM_MKNOD_DIR = dev.cryo.sentry.abi.Errno.EPERM;

    @Test
    void accessAsRoot() {
        assertEquals(0, h.call(SysStat::access, h.str("/etc/hello"), 4));
        assertEquals(-EACCES, h.call(SysStat::access, h.str("/etc/hello"), 1));
        assertEquals(0, h.call(SysStat::access, h.str("/bin/prog"), 1));
        assertEquals(0, h.call(SysStat::access, h.str("/etc"), 1));
        assertEquals(-EROFS, h.call(SysStat::access, h.str("/etc/hello"), 2));
        assertEquals(0, h.call(SysStat::access, h.str("/dev/null"), 6));
        assertEquals(-EINVAL, h.call(SysStat::access, h.str("/etc/hello"), 8));
        assertEquals(-ENOENT, h.call(SysStat::access, h.str("/etc/missing"), 0));
        assertEquals(-EINVAL, h.call(SysStat::faccessat2, AT_FDCWD, h.str("/etc/hello"), 0, 0x4000));
        assertEquals(0, h.call(SysStat::faccessat2, AT_FDCWD, h.str("/loop1"), 0, AT_SYMLINK_NOFOLLOW));
    }

    // ---- devices

    @Test
    void sentryDevices() {
        long buf = h.alloc(64);
        long nul = open("/dev/null", O_RDWR);
        assertEquals(0, h.call(SysReadWrite::read, nul, buf, 64));
        assertEquals(64, h.call(SysReadWrite::write, nul, buf, 64));
        long zero = open("/dev/zero", O_RDONLY);
        h.t.mm().usermem().write(buf, new byte[] {1, 2, 3});
        assertEquals(64, h.call(SysReadWrite::read, zero, buf, 64));
        assertArrayEquals(new byte[64], h.read(buf, 64));
        long full = open("/dev/full", O_WRONLY);
        assertEquals(-ENOSPC, h.call(SysReadWrite::write, full, buf, 1));
        long rnd = open("/dev/urandom", O_RDONLY);
        assertEquals(64, h.call(SysReadWrite::read, rnd, buf, 64));
        assertTrue(!java.util.Arrays.equals(new byte[64], h.read(buf, 64)));
        byte[] st = stat("/dev/null", 0);
        assertEquals(Stat.S_IFCHR | 0666, Stat.mode(st));
        assertEquals(Stat.makedev(1, 3), Stat.rdev(st));
        assertEquals(-ENOTDIR, open("/dev/null/x", O_RDONLY));
    }

    @Test
    void hostDeviceNodesAreNeverOpened() {
        // A host node with /dev/null's numbers is served by the Sentry.
        long fd = open("/mynull", O_RDWR);
        assertTrue(fd >= 0);
        assertEquals(5, h.call(SysReadWrite::write, fd, h.alloc(8), 5));
        // Any other device: EACCES, as on a nodev mount. FIFOs and sockets: ENXIO.
        assertEquals(-EACCES, open("/mem", O_RDONLY));
        assertEquals(-ENXIO, open("/fifo", O_RDONLY));
        assertEquals(Stat.S_IFIFO, Stat.type(stat("/fifo", 0)));
        assertTrue(open("/fifo", O_PATH) >= 0);
    }

    // ---- reading, seeking, listing

    @Test
    void readSeekAndPositionalIo() {
        long fd = open("/etc/hello", O_RDONLY);
        long buf = h.alloc(64);
        assertEquals(5, h.call(SysReadWrite::read, fd, buf, 5));
        assertEquals(5, h.call(SysReadWrite::lseek, fd, 0, 1));
        assertEquals(3, h.call(SysReadWrite::pread64, fd, buf, 3, 6));
        assertEquals("wor", new String(h.read(buf, 3), StandardCharsets.US_ASCII));
        assertEquals(5, h.call(SysReadWrite::lseek, fd, 0, 1), "pread leaves the offset");
        assertEquals(10, h.call(SysReadWrite::lseek, fd, -2, 2));
        assertEquals(-EINVAL, h.call(SysReadWrite::lseek, fd, -20, 1));
        assertEquals(-EINVAL, h.call(SysReadWrite::lseek, fd, 0, 7));
        assertEquals(0, h.call(SysReadWrite::lseek, fd, 0, 3)); // SEEK_DATA
        assertEquals(12, h.call(SysReadWrite::lseek, fd, 0, 4)); // SEEK_HOLE
        assertEquals(-ENXIO, h.call(SysReadWrite::lseek, fd, 100, 3));
        assertEquals(100, h.call(SysReadWrite::lseek, fd, 100, 0));
        assertEquals(0, h.call(SysReadWrite::read, fd, buf, 8));
        assertEquals(-EINVAL, h.call(SysReadWrite::pread64, fd, buf, 3, -1));
        assertEquals(-EBADF, h.call(SysReadWrite::write, fd, buf, 3));

        // readv over two segments.
        long iov = h.alloc(32);
        ByteBuffer bb = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(buf).putLong(6).putLong(buf + 32).putLong(100);
        h.t.mm().usermem().write(iov, bb.array());
        assertEquals(12, h.call(SysReadWrite::preadv, fd, iov, 2, 0, 0));
        assertEquals("hello ", new String(h.read(buf, 6), StandardCharsets.US_ASCII));
        assertEquals("world\n", new String(h.read(buf + 32, 6), StandardCharsets.US_ASCII));
        assertEquals(-EINVAL, h.call(SysReadWrite::readv, fd, iov, 1025));
        assertEquals(-EFAULT, h.call(SysReadWrite::readv, fd, 0x1000, 2));
        assertEquals(12, h.call(SysReadWrite::preadv2, fd, iov, 2, 0, 0, 0x8)); // RWF_NOWAIT: accepted
        assertEquals(-95, h.call(SysReadWrite::preadv2, fd, iov, 2, 0, 0, 0x1000)); // unknown: EOPNOTSUPP
    }

    @Test
    void badDescriptorsAndBufferErrnos() {
        long buf = h.alloc(16);
        assertEquals(-EBADF, h.call(SysReadWrite::read, -1, buf, 1));
        assertEquals(-EBADF, h.call(SysReadWrite::read, 40, buf, 1));
        assertEquals(-EBADF, h.call(SysFile::close, 40));
        long fd = open("/etc/hello", O_RDONLY);
        assertEquals(-EFAULT, h.call(SysReadWrite::read, fd, 0x1000, 4));
        long dir = open("/etc", O_RDONLY);
        assertEquals(-EISDIR, h.call(SysReadWrite::read, dir, buf, 4));
        long path = open("/etc/hello", O_PATH);
        assertEquals(-EBADF, h.call(SysReadWrite::read, path, buf, 4));
        assertEquals(-EBADF, h.call(SysReadWrite::lseek, path, 0, 0));
        assertEquals(0, h.call(SysStat::fstat, path, h.alloc(144)));
        assertEquals(-ENOTTY, h.call(SysFcntl::ioctl, fd, 0x5401, buf));
        assertEquals(-EINVAL, h.call(SysFcntl::fcntl, fd, 9999, 0));
        assertEquals(0, h.call(SysFcntl::fcntl, fd, 1, 0));
        assertEquals(0, h.call(SysFcntl::fcntl, fd, 2, 1));
        assertEquals(1, h.call(SysFcntl::fcntl, fd, 1, 0));
        assertEquals(0100000, h.call(SysFcntl::fcntl, fd, 3, 0));
        long d = h.call(SysFcntl::fcntl, fd, 1030, 10);
        assertEquals(10, d);
        assertEquals(1, h.call(SysFcntl::fcntl, d, 1, 0));
        assertEquals(-EINVAL, h.call(SysFile::dup3, fd, fd, 0));
        assertEquals(fd, h.call(SysFile::dup2, fd, fd));
        assertEquals(-EBADF, h.call(SysFile::dup2, 99, 3));
        assertEquals(20, h.call(SysFile::dup2, fd, 20));
        assertEquals(0, h.call(SysFile::closeRange, 10, 30, 0));
        assertEquals(-EBADF, h.call(SysFile::close, 20));
        assertEquals(-EINVAL, h.call(SysFile::closeRange, 5, 4, 0));
        // FIONREAD on a regular file: bytes left.
        assertEquals(0, h.call(SysFcntl::ioctl, fd, 0x541B, buf));
        assertEquals(12, h.t.mm().usermem().readInt(buf));
        assertEquals(0, h.call(SysFcntl::fsync, fd));
        assertEquals(-EBADF, h.call(SysFcntl::fsync, path));
    }

    @Test
    void getdentsListsTheDirectory() throws Exception {
        long fd = open("/", O_RDONLY | O_DIRECTORY);
        TreeSet<String> names = listAll(fd);
        TreeSet<String> expected = new TreeSet<>(List.of(".", ".."));
        try (var s = Files.list(root)) {
            s.forEach(p -> expected.add(p.getFileName().toString()));
        }
        assertEquals(expected, names);
        assertEquals(0, h.call(SysReadWrite::lseek, fd, 0, 0));
        assertEquals(expected, listAll(fd), "rewound");
        assertEquals(0, h.call(SysReadWrite::lseek, fd, 0, 0));
        assertEquals(-EINVAL, h.call(SysDir::getdents64, fd, h.alloc(8), 8));
        long file = open("/etc/hello", O_RDONLY);
        assertEquals(-ENOTDIR, h.call(SysDir::getdents64, file, h.alloc(64), 64));
        long fresh = open("/etc", O_RDONLY);
        assertEquals(-EFAULT, h.call(SysDir::getdents64, fresh, 0x1000, 4096));
        assertEquals(new TreeSet<>(List.of(".", "..", "hello")), listAll(fresh), "EFAULT lost nothing");
    }

    private TreeSet<String> listAll(long fd) {
        TreeSet<String> names = new TreeSet<>();
        long buf = h.alloc(512);
        while (true) {
            long n = h.call(SysDir::getdents64, fd, buf, 512);
            assertTrue(n >= 0, "getdents64: " + n);
            if (n == 0) return names;
            ByteBuffer bb = ByteBuffer.wrap(h.read(buf, (int) n)).order(ByteOrder.LITTLE_ENDIAN);
            for (int pos = 0; pos < n; ) {
                int reclen = bb.getShort(pos + 16) & 0xffff;
                int end = pos + 19;
                while (bb.get(end) != 0) end++;
                names.add(new String(bb.array(), pos + 19, end - pos - 19, StandardCharsets.ISO_8859_1));
                pos += reclen;
            }
        }
    }

    @Test
    void statFamily() {
        byte[] st = stat("/link-abs", 0);
        assertTrue(Stat.isRegular(st));
        assertEquals(12, Stat.size(st));
        assertTrue(Stat.isSymlink(stat("/link-abs", AT_SYMLINK_NOFOLLOW)));
        long buf = h.alloc(256);
        assertEquals(0, h.call(SysStat::statx, AT_FDCWD, h.str("/etc/hello"), 0, 0x7ff, buf));
        ByteBuffer x = ByteBuffer.wrap(h.read(buf, 256)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(12, x.getLong(40));
        assertEquals(Stat.S_IFREG | 0644, x.getShort(28) & 0xffff);
        assertEquals(-EINVAL, h.call(SysStat::statx, AT_FDCWD, h.str("/etc/hello"), 0x6000, 0x7ff, buf));
        assertEquals(-EINVAL, h.call(SysStat::newfstatat, AT_FDCWD, h.str("/etc/hello"), buf, 0x4));
        long target = h.alloc(64);
        assertEquals(10, h.call(SysStat::readlink, h.str("/link-abs"), target, 64));
        assertEquals("/etc/hello", new String(h.read(target, 10), StandardCharsets.US_ASCII));
        assertEquals(4, h.call(SysStat::readlink, h.str("/link-abs"), target, 4));
        assertEquals(-EINVAL, h.call(SysStat::readlink, h.str("/etc/hello"), target, 64));
        assertEquals(-EINVAL, h.call(SysStat::readlink, h.str("/link-abs"), target, 0));
        long sfs = h.alloc(120);
        assertEquals(0, h.call(SysStat::statfs, h.str("/etc"), sfs));
        long flags = ByteBuffer.wrap(h.read(sfs, 120)).order(ByteOrder.LITTLE_ENDIAN).getLong(80);
        assertEquals(1, flags & 1, "ST_RDONLY");
    }

    @Test
    void executablesAndMapping() {
        VirtualFilesystem vfs = h.t.kernel().vfs();
        assertTrue(vfs.isExecutableFile("/bin/prog"));
        assertTrue(!vfs.isExecutableFile("/etc/hello"));
        assertEquals(EACCES, errno(() -> vfs.openExecutable(h.t.fs(), "/etc/hello")));
        assertEquals(EACCES, errno(() -> vfs.openExecutable(h.t.fs(), "/bin")));
        assertEquals(ENOENT, errno(() -> vfs.openExecutable(h.t.fs(), "/bin/none")));
        assertEquals(ENOTDIR, errno(() -> vfs.openExecutable(h.t.fs(), "/etc/hello/x")));
        var src = vfs.openExecutable(h.t.fs(), "/bin/prog");
        long mem = Host.allocate(64);
        try {
            assertEquals(10, src.readInto(mem, 64, 0));
            byte[] b = new byte[2];
            Host.getBytes(mem, b, 0, 2);
            assertEquals("#!", new String(b, StandardCharsets.US_ASCII));
        } finally {
            Host.free(mem);
        }
        long fd = open("/etc/hello", O_RDONLY);
        var m = h.t.fds().get((int) fd).mappable();
        assertEquals("/etc/hello", m.name());
    }

    private static int errno(Runnable r) {
        try {
            r.run();
            return 0;
        } catch (dev.cryo.sentry.abi.SyscallError e) {
            return e.errno();
        }
    }

    @Test
    void extendedAttributesReadAsAbsentAndNeverChange() {
        long name = h.str("user.test");
        long buf = h.alloc(64);
        assertEquals(-dev.cryo.sentry.abi.Errno.ENODATA, h.call(task -> SysXattr.get(task, true), h.str("/etc/hello"), name, buf, 64));
        assertEquals(-dev.cryo.sentry.abi.Errno.EOPNOTSUPP, h.call(task -> SysXattr.get(task, true), h.str("/etc/hello"), h.str("nonamespace"), buf, 64));
        assertEquals(-ENOENT, h.call(task -> SysXattr.get(task, true), h.str("/no/such"), name, buf, 64));
        assertEquals(-dev.cryo.sentry.abi.Errno.ERANGE, h.call(task -> SysXattr.get(task, true), h.str("/etc/hello"), h.str(""), buf, 64));
        assertEquals(0, h.call(task -> SysXattr.list(task, false), h.str("/etc/hello"), buf, 64));
        assertEquals(-dev.cryo.sentry.abi.Errno.EROFS, h.call(task -> SysXattr.set(task, true), h.str("/etc/hello"), name, buf, 4, 0));
        assertEquals(-dev.cryo.sentry.abi.Errno.EINVAL, h.call(task -> SysXattr.set(task, true), h.str("/etc/hello"), name, buf, 4, 4));
        assertEquals(-EBADF, h.call(SysXattr::fgetxattr, 99, name, buf, 64));
    }
}
