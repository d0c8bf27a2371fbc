package dev.cryo.sentry.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.vfs.FdTable;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The process tree's bookkeeping without running anything: zombies and reaping, process groups
 * and sessions, the checks a restore makes. Children are made by hand (fork needs a platform
 * that runs them; the compat cases do that).
 */
class ProcessTreeTest {
    static final String PROGRAM = "/bin/busybox";
    Kernel k;
    Task init;

    @BeforeEach
    void setUp() {
        assumeTrue(new java.io.File(PROGRAM).canExecute(), "needs " + PROGRAM);
        k = new Kernel(new NoPlatform(), Filesystems.hostRoot("/"), null);
        init = k.startInit(PROGRAM, List.of("busybox"), List.of(), "/", fds -> { });
        k.lock().lock();
    }

    @AfterEach
    void tearDown() {
        if (k == null) return;
        k.lock().unlock();
        k.memoryFile().close();
    }

    /** A child of {@code parent} as fork leaves it in the tables, without a thread. */
    private Task child(Task parent, boolean zombie, int status) {
        int pid = k.allocatePid();
        Task c = new Task(k, pid, pid, Regs.initial(0, 0));
        c.fds = new FdTable(16);
        c.group.parent = parent.group;
        c.group.pgid = parent.group.pgid;
        c.group.sid = parent.group.sid;
        c.group.exitSignal = Signals.SIGCHLD;
        parent.group.children.add(c.group);
        k.register(c);
        if (zombie) {
            k.unregister(c);
            c.group.tasks.remove(c);
            c.group.zombie = true;
            c.group.waitStatus = status;
        }
        return c;
    }

    @Test
    void initIsPidOneAndLeadsItsSession() {
        assertEquals(1, init.tid());
        assertEquals(0, init.ppid());
        assertEquals(1, init.group().pgid());
        assertEquals(1, init.group().sid());
        assertNull(k.checkProcessTree());
    }

    @Test
    void aZombieIsReapedOnceAndItsPidIsFreeAfter() {
        Task z = child(init, true, 7 << 8);
        assertNull(k.checkProcessTree());
        TaskWait.Waited w = TaskWait.waitChild(init, TaskWait.P_ALL, 0, TaskWait.WEXITED | TaskWait.WNOWAIT);
        assertEquals(z.tid(), w.pid());
        assertTrue(k.process(z.tid()) != null, "WNOWAIT leaves the zombie");
        w = TaskWait.waitChild(init, TaskWait.P_PID, z.tid(), TaskWait.WEXITED);
        assertEquals(7 << 8, w.waitStatus());
        assertNull(k.process(z.tid()));
        assertEquals(Errno.ECHILD, errno(() -> TaskWait.waitChild(init, TaskWait.P_ALL, 0, TaskWait.WEXITED)));
        assertNull(k.checkProcessTree());
    }

    @Test
    void wnohangWithARunningChildIsNull() {
        child(init, false, 0);
        assertNull(TaskWait.waitChild(init, TaskWait.P_ALL, 0, TaskWait.WEXITED | TaskWait.WNOHANG));
        // A clone child (not SIGCHLD) is only seen with __WCLONE or __WALL.
        assertEquals(Errno.ECHILD, errno(() -> TaskWait.waitChild(init, TaskWait.P_ALL, 0,
                TaskWait.WEXITED | TaskWait.WNOHANG | TaskWait.WCLONE)));
    }

    @Test
    void groupsAndSessionsFollowLinuxRules() {
        Task a = child(init, false, 0), b = child(init, false, 0);
        assertEquals(Errno.EPERM, errno(() -> ProcessGroups.setsid(init))); // already a group leader
        ProcessGroups.setpgid(init, a.tid(), 0);
        assertEquals(a.tid(), ProcessGroups.getpgid(init, a.tid()));
        ProcessGroups.setpgid(b, 0, a.tid()); // joins a's group, same session
        assertEquals(a.tid(), b.group().pgid());
        assertEquals(Errno.EPERM, errno(() -> ProcessGroups.setpgid(b, 0, 99999)));
        Task s = child(init, false, 0);
        assertEquals(s.tid(), ProcessGroups.setsid(s));
        assertEquals(Errno.EPERM, errno(() -> ProcessGroups.setpgid(s, 0, 0))); // a session leader
        a.group.execed = true;
        assertEquals(Errno.EACCES, errno(() -> ProcessGroups.setpgid(init, a.tid(), 0)));
        assertEquals(Errno.ESRCH, errno(() -> ProcessGroups.getsid(init, 99999)));
        assertNull(k.checkProcessTree());
    }

    @Test
    void aBrokenTreeIsRefused() {
        Task c = child(init, false, 0);
        c.group.parent = null;
        assertTrue(k.checkProcessTree() != null); // parent and child disagree
        c.group.parent = init.group;
        c.group.zombie = true;
        assertTrue(k.checkProcessTree() != null); // a live task whose process is a zombie
        c.group.zombie = false;
        c.group.parent = c.group;
        c.group.children.add(c.group);
        assertTrue(k.checkProcessTree() != null);
    }

    @Test
    void pidsSkipThoseStillUsedAsGroups() {
        Task a = child(init, false, 0);
        ProcessGroups.setpgid(init, a.tid(), 0);
        int next = k.allocatePid();
        assertTrue(next != a.tid() && next != 1);
    }

    private static int errno(Runnable r) {
        try {
            r.run();
        } catch (SyscallError e) {
            return e.errno();
        }
        return 0;
    }

    /**
     * Threads are tasks of one process: the tree stays sound with them, they survive a save and
     * load in their process, and the process is dead only once its last thread has gone.
     */
    @Test
    void threadsBelongToTheirProcessAndRoundTrip() throws Exception {
        Task c = child(init, false, 0);
        Task th = new Task(k, k.allocatePid(), c.group, Regs.initial(0, 0));
        th.mm = c.mm;
        th.fds = c.fds;
        k.register(th);
        assertNull(k.checkProcessTree());
        assertEquals(c.tgid(), th.tgid());
        assertEquals(List.of(c, th), c.group.threads());
        assertEquals(3, k.taskCount());

        var codec = new dev.cryo.serializer.StateCodec(dev.cryo.sentry.checkpoint.SentryClasses.registry());
        Kernel r = codec.load(codec.save(k), Kernel.class, new Kernel.RestoreEnv(new NoPlatform(), null, null));
        try {
            assertNull(r.checkProcessTree());
            ThreadGroup g = r.process(c.tgid());
            assertEquals(List.of(c.tid(), th.tid()), g.threads().stream().map(Task::tid).toList());
            assertTrue(g.threads().get(1).group() == g && g.threads().get(1).tgid() == c.tgid());
        } finally {
            r.memoryFile().close();
        }

        // The leader ends first: the process lives on in its other thread.
        k.unregister(c);
        c.group.tasks.remove(c);
        assertNull(k.checkProcessTree());
        k.unregister(th);
        c.group.tasks.remove(th);
        assertTrue(k.checkProcessTree() != null, "no thread left, but not a zombie");
        c.group.zombie = true;
        assertNull(k.checkProcessTree());
    }
}
