package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryo.sentry.fs.epoll.EpollFile;
import dev.cryo.sentry.fs.pipe.Pipe;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.kernel.TestTasks;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An epoll instance is saved with its interest list: level-triggered, edge-triggered and
 * one-shot entries report after a load as they would have before it.
 */
class EpollRoundTripTest {
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
    void theInterestListAndItsTriggerStatesSurvive() {
        PipeFile[] a = Pipe.create(lock, 1, OpenFlags.O_NONBLOCK), b = Pipe.create(lock, 2, OpenFlags.O_NONBLOCK);
        EpollFile ep = new EpollFile(OpenFlags.O_RDWR, 3);
        FdTable fds = new FdTable(64);
        fds.installAt(3, a[0], false);
        fds.installAt(4, a[1], false);
        fds.installAt(5, b[0], false);
        fds.installAt(6, b[1], false);
        fds.installAt(7, ep, false);
        ep.add(3, a[0], EpollFile.EPOLLIN, 30);
        ep.add(5, b[0], EpollFile.EPOLLIN | EpollFile.EPOLLET, 50);
        ep.add(6, b[1], EpollFile.EPOLLOUT | EpollFile.EPOLLONESHOT, 60);
        mem.write(TestTasks.SCRATCH, new byte[] {1, 2, 3});
        a[1].write(mem, TestTasks.SCRATCH, 3);
        b[1].write(mem, TestTasks.SCRATCH, 3);
        // The one-shot and the edge-triggered entries report once before the save.
        assertEquals(List.of(60L, 30L, 50L), data(ep.collect(8, (fd, f) -> true)));

        FdTable r = RoundTrip.of(fds);
        EpollFile ep2 = (EpollFile) r.get(7);
        FileDescription in2 = r.get(5), out2 = r.get(6);
        // After the load: only the level-triggered entry is still ready to report.
        assertEquals(List.of(30L), data(ep2.collect(8, (fd, f) -> true)));
        // New bytes in the edge-triggered pipe are a new edge.
        out2.write(mem, TestTasks.SCRATCH, 1);
        assertEquals(List.of(30L, 50L), data(ep2.collect(8, (fd, f) -> true)));
        assertEquals(4, in2.read(mem, TestTasks.SCRATCH + 100, 10));
        // The one-shot entry is silent until modified, then reports its readiness again.
        ep2.modify(6, EpollFile.EPOLLOUT | EpollFile.EPOLLONESHOT, 61);
        assertEquals(List.of(30L, 61L), data(ep2.collect(8, (fd, f) -> true)));
        fds.closeAll();
        r.closeAll();
    }

    private static List<Long> data(List<EpollFile.Ready> ready) {
        return ready.stream().map(EpollFile.Ready::data).toList();
    }
}
