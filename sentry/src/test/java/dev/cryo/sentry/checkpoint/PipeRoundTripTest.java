package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.fs.pipe.Pipe;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.OpenFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pipe with bytes in flight is saved with them: after a load they read back the same, then EOF. */
class PipeRoundTripTest {
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

    @Test
    void bytesInFlightSurviveAndTheEndsStayConnected() {
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31 + 7);
        mem.write(TestTasks.SCRATCH, data);
        PipeFile[] ends = Pipe.create(lock, 42, OpenFlags.O_NONBLOCK);
        FdTable fds = new FdTable(64);
        fds.installAt(3, ends[0], false);
        fds.installAt(4, ends[1], true);
        assertEquals(10_000, ends[1].write(mem, TestTasks.SCRATCH, 10_000));
        assertEquals(1000, ends[0].read(mem, TestTasks.SCRATCH + 20_000, 1000));

        FdTable r = RoundTrip.of(fds);
        PipeFile in = (PipeFile) r.get(3), out = (PipeFile) r.get(4);
        assertEquals(9000, in.available());
        assertEquals(65536, out.pipeSize());
        // Writes go on where they were: 96 bytes top up the last page (as Linux merges them).
        assertEquals(96, out.write(mem, TestTasks.SCRATCH, 96));
        assertEquals(9096, in.read(mem, TestTasks.SCRATCH + 100_000, 20_000));
        byte[] back = mem.read(TestTasks.SCRATCH + 100_000, 9000);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 10_000), back);
        assertEquals(SyscallError.of(Errno.EAGAIN).errno(), errnoOf(() -> in.read(mem, TestTasks.SCRATCH, 10)));
        r.close(4);
        assertEquals(0, in.read(mem, TestTasks.SCRATCH, 10)); // no writer left: EOF
        assertSame(in, r.get(3));
        fds.closeAll();
        r.closeAll();
    }

    /** A page sendfile spliced in stays one that writes do not merge into. */
    @Test
    void aSplicedPageStaysUnmergedAfterALoad() {
        mem.write(TestTasks.SCRATCH, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        PipeFile[] ends = Pipe.create(lock, 43, OpenFlags.O_NONBLOCK);
        FdTable fds = new FdTable(64);
        fds.installAt(3, ends[0], false);
        fds.installAt(4, ends[1], false);
        assertEquals(16, ends[1].awaitSlots());
        ends[1].addSplicedPage(mem, TestTasks.SCRATCH, 10);
        ends[1].splicedIn();

        FdTable r = RoundTrip.of(fds);
        PipeFile in = (PipeFile) r.get(3), out = (PipeFile) r.get(4);
        assertEquals(10, in.available());
        assertEquals(15, out.awaitSlots());
        assertEquals(1, out.write(mem, TestTasks.SCRATCH, 1)); // a slot of its own
        assertEquals(14, out.awaitSlots());
        assertEquals(11, in.read(mem, TestTasks.SCRATCH + 100, 100));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1}, mem.read(TestTasks.SCRATCH + 100, 11));
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
