package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.fs.pipe.Pipe;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.fs.socket.Iov;
import dev.cryo.sentry.fs.socket.UnixSocket;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A socket pair is saved with what is in flight: stream bytes, datagrams with their boundaries,
 * a file passed with SCM_RIGHTS and not yet received, options and shutdowns. After a load the
 * ends are still each other's peers.
 */
class SocketRoundTripTest {
    private static final int[] CREDS = {1, 0, 0};
    Task t;
    Usermem mem;
    KernelLock lock = new KernelLock();

    @BeforeEach
    void setUp() {
        t = TestTasks.newTask(dev.cryo.sentry.fs.Filesystems.hostRoot("/"));
        mem = t.mm().usermem();
        lock.lock();
    }

    @AfterEach
    void tearDown() {
        lock.unlock();
        TestTasks.dispose(t);
    }

    private UnixSocket[] pair(int type, FdTable fds) {
        UnixSocket[] s = UnixSocket.pair(lock, type, 0, new long[] {10, 11}, OpenFlags.O_NONBLOCK, 1, 0, 0);
        fds.installAt(3, s[0], false);
        fds.installAt(4, s[1], false);
        return s;
    }

    private long send(UnixSocket s, String text, FileDescription[] rights) {
        byte[] b = text.getBytes();
        mem.write(TestTasks.SCRATCH, b);
        return s.send(mem, Iov.of(TestTasks.SCRATCH, b.length), 0, rights, CREDS);
    }

    private String recv(UnixSocket s, int len) {
        UnixSocket.Received r = s.recv(mem, Iov.of(TestTasks.SCRATCH + 4096, len), 0);
        return new String(mem.read(TestTasks.SCRATCH + 4096, (int) Math.min(r.count(), len)));
    }

    @Test
    void streamBytesAndAPassedFileSurvive() {
        FdTable fds = new FdTable(64);
        UnixSocket[] s = pair(UnixSocket.SOCK_STREAM, fds);
        PipeFile[] p = Pipe.create(lock, 42, OpenFlags.O_NONBLOCK);
        fds.installAt(5, p[0], false);
        fds.installAt(6, p[1], false);
        assertEquals(6, send(s[0], "before", null));
        p[1].incRef(); // the reference the message holds while in flight
        assertEquals(4, send(s[0], "file", new FileDescription[] {p[1]}));
        fds.close(6); // only the message holds the pipe's write end now
        s[1].setTimeout(true, 5_000_000L);
        s[0].shutdown(1); // SHUT_WR

        FdTable r = RoundTrip.of(fds);
        UnixSocket a = (UnixSocket) r.get(3), b = (UnixSocket) r.get(4);
        assertEquals(5_000_000L, b.timeout(true));
        assertEquals(10, b.unread());
        assertEquals("before", recv(b, 100)); // stops before the bytes that carry a file
        UnixSocket.Received got = b.recv(mem, Iov.of(TestTasks.SCRATCH, 100), 0);
        assertEquals(4, got.count());
        assertNotNull(got.rights());
        PipeFile w = (PipeFile) got.rights()[0];
        PipeFile in = (PipeFile) r.get(5);
        mem.write(TestTasks.SCRATCH, "x".getBytes());
        assertEquals(1, w.write(mem, TestTasks.SCRATCH, 1));
        assertEquals(1, in.available()); // the passed end is still the loaded pipe's
        w.decRef();
        assertEquals(0, recv(b, 10).length()); // the peer shut its sending side: EOF
        assertEquals(Errno.EPIPE, errnoOf(() -> send(a, "no", null)));
        mem.write(TestTasks.SCRATCH, "back".getBytes());
        assertEquals(4, b.send(mem, Iov.of(TestTasks.SCRATCH, 4), 0, null, CREDS));
        assertEquals("back", recv(a, 10));
        fds.closeAll();
        r.closeAll();
    }

    @Test
    void datagramsKeepTheirBoundaries() {
        FdTable fds = new FdTable(64);
        UnixSocket[] s = pair(UnixSocket.SOCK_DGRAM, fds);
        assertEquals(3, send(s[1], "one", null));
        assertEquals(0, send(s[1], "", null));
        assertEquals(5, send(s[1], "three", null));
        s[0].setPasscred(true);

        FdTable r = RoundTrip.of(fds);
        UnixSocket a = (UnixSocket) r.get(3), b = (UnixSocket) r.get(4);
        assertTrue(a.passcred());
        assertEquals("on", recv(a, 2)); // the rest of the datagram is gone
        UnixSocket.Received empty = a.recv(mem, Iov.of(TestTasks.SCRATCH, 10), 0);
        assertEquals(0, empty.count());
        assertArrayEquals(CREDS, empty.credentials());
        assertEquals("three", recv(a, 10));
        assertEquals(Errno.EAGAIN, errnoOf(() -> recv(a, 10)));
        r.close(3);
        assertEquals(Errno.ECONNREFUSED, errnoOf(() -> send(b, "x", null)));
        assertEquals(Errno.ENOTCONN, errnoOf(() -> send(b, "x", null)));
        fds.closeAll();
        r.closeAll();
    }

    private static int errnoOf(Runnable r) {
        try {
            r.run();
        } catch (SyscallError e) {
            return e.errno();
        }
        return 0;
    }
}
