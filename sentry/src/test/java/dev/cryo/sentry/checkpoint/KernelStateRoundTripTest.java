package dev.cryo.sentry.checkpoint;

import static dev.cryo.sentry.abi.Errno.EBADF;
import static dev.cryo.sentry.abi.Errno.EMFILE;
import static dev.cryo.sentry.abi.Errno.ENOSPC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.fs.dev.DevFile;
import dev.cryo.sentry.fs.dev.Device;
import dev.cryo.sentry.kernel.Credentials;
import dev.cryo.sentry.kernel.Limits;
import dev.cryo.sentry.kernel.SignalAction;
import dev.cryo.sentry.kernel.SyscallStats;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.mm.Vma;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.FsContext;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.VirtualFilesystem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Sentry's state that holds no host resource: saved, loaded, and it behaves the same. */
class KernelStateRoundTripTest {
    Task t;
    Usermem mem;

    @BeforeEach
    void setUp() {
        t = TestTasks.newTask(dev.cryo.sentry.fs.Filesystems.hostRoot("/"));
        mem = t.mm().usermem();
    }

    @AfterEach
    void tearDown() {
        TestTasks.dispose(t);
    }

    private static int errnoOf(Runnable r) {
        try {
            r.run();
        } catch (SyscallError e) {
            return e.errno();
        }
        return 0;
    }

    @Test
    void fdTableKeepsDescriptorsCloexecFlagsLimitAndSharing() {
        FdTable fds = new FdTable(8);
        DevFile zero = new DevFile(Device.ZERO, OpenFlags.O_RDWR, "/dev/zero");
        DevFile nul = new DevFile(Device.NULL, OpenFlags.O_WRONLY | OpenFlags.O_APPEND, "/dev/null");
        assertEquals(0, fds.install(zero, false, 0));
        fds.installAt(5, zero, true); // dup3(0, 5, O_CLOEXEC): one description, two descriptors
        assertEquals(1, fds.install(nul, true, 0));

        FdTable r = RoundTrip.of(fds);

        assertEquals(8, r.limit());
        assertTrue(r.isOpen(0) && r.isOpen(1) && r.isOpen(5));
        assertFalse(r.isOpen(2) || r.isOpen(3));
        assertFalse(r.isCloexec(0));
        assertTrue(r.isCloexec(1) && r.isCloexec(5));
        assertSame(r.get(0), r.get(5), "a dup'ed description stays one object");
        assertEquals(OpenFlags.O_WRONLY | OpenFlags.O_APPEND, r.get(1).flags());
        assertEquals("/dev/null", r.get(1).path());
        // Lowest free descriptor, and the limit still holds.
        DevFile more = new DevFile(Device.FULL, OpenFlags.O_RDONLY, "/dev/full");
        assertEquals(2, r.install(more, false, 0));
        for (int fd = 3; fd < 8; fd++) {
            if (!r.isOpen(fd)) r.install(more, false, fd);
        }
        assertEquals(EMFILE, errnoOf(() -> r.install(more, false, 0)));
        assertEquals(EBADF, errnoOf(() -> r.installAt(8, more, false)));
        // Reference counts came along: closing one of the two descriptors keeps the other usable.
        r.close(0);
        assertEquals(0, r.get(5).seek(0, 0));
        r.closeOnExec();
        assertFalse(r.isOpen(1) || r.isOpen(5));
        assertTrue(r.isOpen(2));
    }

    @Test
    void devFilesBehaveAsBefore() {
        mem.write(TestTasks.SCRATCH, new byte[] {1, 2, 3, 4});
        FileDescription zero = RoundTrip.of(new DevFile(Device.ZERO, OpenFlags.O_RDWR, "/dev/zero"));
        assertEquals(4, zero.read(mem, TestTasks.SCRATCH, 4));
        assertArrayEquals(new byte[4], mem.read(TestTasks.SCRATCH, 4));
        assertArrayEquals(Device.ZERO.stat(), zero.stat());

        FileDescription full = RoundTrip.of(new DevFile(Device.FULL, OpenFlags.O_WRONLY, "/dev/full"));
        assertEquals(ENOSPC, errnoOf(() -> full.write(mem, TestTasks.SCRATCH, 1)));
        assertEquals("/dev/full", full.path());
    }

    @Test
    void maskedDirectoryListingStaysEmpty() {
        VirtualFilesystem vfs = t.kernel().vfs();
        FileDescription sys = vfs.open("/", "/sys", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        FileDescription r = RoundTrip.of(sys);
        assertNotSame(sys, r);
        assertEquals(r.getClass(), sys.getClass());
        assertEquals("/sys", r.path());
        assertTrue(r.isDirectory());
        assertArrayEquals(sys.stat(), r.stat());
        assertEquals(0, r.getdents64(mem, TestTasks.SCRATCH, 4096));
    }

    /** An open /proc file keeps its text and offset, a /proc listing its entries and place. */
    @Test
    void procFilesKeepTheirTextAndPlace() {
        VirtualFilesystem vfs = t.kernel().vfs();
        FileDescription status = vfs.open("/", "/proc/version", OpenFlags.O_RDONLY);
        assertEquals(6, status.read(mem, TestTasks.SCRATCH, 6));
        byte[] rest = new byte[4096];
        FileDescription r = RoundTrip.of(status);
        assertEquals(r.getClass(), status.getClass());
        long n = r.read(mem, TestTasks.SCRATCH + 100, rest.length);
        assertEquals(n, status.read(mem, TestTasks.SCRATCH + 8192, rest.length));
        assertArrayEquals(mem.read(TestTasks.SCRATCH + 8192, (int) n), mem.read(TestTasks.SCRATCH + 100, (int) n));
        assertTrue(new String(mem.read(TestTasks.SCRATCH + 100, (int) n)).startsWith("version 6."));
        assertEquals("/proc/version", r.path());
        assertArrayEquals(status.stat(), r.stat());

        FileDescription dir = vfs.open("/", "/proc", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        long first = dir.getdents64(mem, TestTasks.SCRATCH, 64); // a record or two, then the rest after a load
        assertTrue(first > 0);
        FileDescription d = RoundTrip.of(dir);
        long more = d.getdents64(mem, TestTasks.SCRATCH, 8192);
        assertEquals(more, dir.getdents64(mem, TestTasks.SCRATCH + 16384, 8192));
        assertArrayEquals(mem.read(TestTasks.SCRATCH + 16384, (int) more), mem.read(TestTasks.SCRATCH, (int) more));
        assertEquals(0, d.getdents64(mem, TestTasks.SCRATCH, 8192));
    }

    @Test
    void fsContextKeepsCwdAndUmask() {
        FsContext fs = new FsContext();
        fs.setCwd("/usr/bin");
        fs.setUmask(027);
        FsContext r = RoundTrip.of(fs);
        assertEquals("/usr/bin", r.cwd());
        assertEquals(027, r.umask());
        // And the default of a fresh context survives too (its initializers are not run on load).
        FsContext d = RoundTrip.of(new FsContext());
        assertEquals("/", d.cwd());
        assertEquals(022, d.umask());
    }

    @Test
    void identityLimitsAndSignalDispositionsRoundTrip() {
        Credentials c = Credentials.root();
        c.ruid = 1000;
        c.euid = 1001;
        c.fsgid = 7;
        c.groups = new int[] {4, 24, 27};
        Credentials rc = RoundTrip.of(c);
        assertEquals(1000, rc.ruid);
        assertEquals(1001, rc.euid);
        assertEquals(7, rc.fsgid);
        assertArrayEquals(new int[] {4, 24, 27}, rc.groups);

        Limits l = new Limits();
        l.set(Limits.NOFILE, 64, 128);
        Limits rl = RoundTrip.of(l);
        assertEquals(64, rl.soft(Limits.NOFILE));
        assertEquals(128, rl.hard(Limits.NOFILE));
        assertEquals(8 << 20, rl.soft(Limits.STACK));
        assertEquals(Limits.INFINITY, rl.hard(Limits.STACK));

        SignalAction[] actions = new SignalAction[65];
        actions[2] = new SignalAction();
        actions[2].handler = 0x401000;
        actions[2].flags = 0x04000000;
        actions[2].mask = 1L << 14;
        actions[15] = actions[2];
        SignalAction[] ra = RoundTrip.of(actions);
        assertEquals(0x401000, ra[2].handler);
        assertEquals(0x04000000, ra[2].flags);
        assertEquals(1L << 14, ra[2].mask);
        assertSame(ra[2], ra[15]);
        assertEquals(null, ra[1]);

        SyscallStats s = new SyscallStats();
        s.countEnosys(1000);
        s.countEnosys(1000);
        s.countEnosys(7);
        SyscallStats rs = RoundTrip.of(s);
        rs.countEnosys(7);
        assertEquals(Map.of(7L, 2L, 1000L, 2L), rs.enosys());
    }

    @Test
    void vmasRoundTrip() {
        List<Vma> vmas = t.mm().vmas();
        assertFalse(vmas.isEmpty());
        Vma v = vmas.get(0);
        Vma r = RoundTrip.of(v);
        assertEquals(v.toString(), r.toString());
        assertEquals(v.start(), r.start());
        assertEquals(v.end(), r.end());
        assertEquals(v.prot(), r.prot());
    }
}
