package dev.cryo.sentry.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.NoPlatform;
import dev.cryo.sentry.fs.Filesystems;
import dev.cryo.sentry.fs.anon.EventFdFile;
import dev.cryo.sentry.fs.anon.TimerFdFile;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.serializer.StateCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An eventfd keeps its count and mode across a save and load; a timerfd its clock, deadline and
 * interval, and counts on from them in the loaded kernel; a signalfd its mask; a pidfd its process.
 */
class AnonFilesRoundTripTest {
    @Test
    void countersAndTimersGoOnAfterALoad() throws Exception {
        Kernel k = new Kernel(new NoPlatform(), Filesystems.hostRoot("/"), null);
        Kernel r = null;
        try {
            Task t = k.startInit("/bin/busybox", List.of("busybox"), List.of(), "/", fds -> { });
            var e = new EventFdFile(k.lock(), 7, 5, OpenFlags.O_NONBLOCK | EventFdFile.EFD_SEMAPHORE);
            var tf = new TimerFdFile(k, 8, TimerFdFile.CLOCK_MONOTONIC, OpenFlags.O_NONBLOCK);
            tf.set(1_000_000_000L, 500_000_000L, false); // first in 1 s, then every 0.5 s
            t.fds().installAt(10, e, false);
            t.fds().installAt(11, tf, false);
            int sfd = dev.cryo.sentry.kernel.SignalFdFile.signalfd(t, -1, (1L << 9) | (1L << 18), OpenFlags.O_NONBLOCK);
            t.fds().installAt(12, dev.cryo.sentry.kernel.PidFdFile.open(k, t.tgid(), OpenFlags.O_NONBLOCK), true);
            t.setAffinity(1L); // sched_setaffinity's record
            var f13 = k.vfs().open("/", "/etc/passwd", OpenFlags.O_RDONLY);
            var f14 = k.vfs().open("/", "/etc/passwd", OpenFlags.O_RDONLY);
            t.fds().installAt(13, f13, false);
            t.fds().installAt(14, f14, false);
            k.lock().lock();
            try {
                k.vfs().flock(f13, dev.cryo.sentry.vfs.Flock.LOCK_SH, k.lock());
            } finally {
                k.lock().unlock();
            }

            k.freeze(1000); // as a checkpoint does: the monotonic clock is read for the save
            k.lock().lock();
            try {
                r = new StateCodec(SentryClasses.registry()).load(new StateCodec(SentryClasses.registry()).save(k),
                        Kernel.class, new Kernel.RestoreEnv(new NoPlatform(), null, null));
            } finally {
                k.lock().unlock();
            }
            Task rt = r.tasks().get(1);
            FileDescription e2 = rt.fds().get(10);
            TimerFdFile tf2 = (TimerFdFile) rt.fds().get(11);
            // A signalfd keeps its mask (SIGKILL and SIGSTOP never in it) and mode.
            var sf2 = (dev.cryo.sentry.kernel.SignalFdFile) rt.fds().get(sfd);
            assertEquals(1L << 9, sf2.mask());
            assertTrue((sf2.flags() & OpenFlags.O_NONBLOCK) != 0);
            // A pidfd names the same process in the loaded kernel, still running.
            var pf = (dev.cryo.sentry.kernel.PidFdFile) rt.fds().get(12);
            assertEquals(rt.tgid(), pf.pid());
            assertEquals(0, pf.pollReady());
            assertTrue(pf.liveThread() == rt && rt.fds().isCloexec(12));
            assertEquals(1L, rt.affinity());
            // The shared flock is still held by the loaded description: another one cannot lock
            // the file exclusively until it is let go.
            r.lock().lock();
            try {
                var g13 = rt.fds().get(13);
                var g14 = rt.fds().get(14);
                assertEquals(null, g13.checkLoaded());
                int lockEx = dev.cryo.sentry.vfs.Flock.LOCK_EX | dev.cryo.sentry.vfs.Flock.LOCK_NB;
                Kernel loaded = r;
                var busy = org.junit.jupiter.api.Assertions.assertThrows(dev.cryo.sentry.abi.SyscallError.class,
                        () -> loaded.vfs().flock(g14, lockEx, loaded.lock()));
                assertEquals(dev.cryo.sentry.abi.Errno.EAGAIN, busy.errno());
                r.vfs().flock(g13, dev.cryo.sentry.vfs.Flock.LOCK_UN, r.lock());
                r.vfs().flock(g14, lockEx, r.lock());
            } finally {
                r.lock().unlock();
            }
            Usermem mem = rt.mm().usermem();
            long below = rt.regs()[dev.cryo.platform.Regs.RSP] - 64; // in the loaded task's stack
            r.lock().lock();
            try {
                assertEquals(8, e2.read(mem, below, 8)); // a semaphore: takes one
                assertEquals(1, mem.readLong(below));
                assertEquals(4, ((EventFdFile) e2).count());
                long[] left = tf2.get();
                assertEquals(500_000_000L, left[0]);
                assertTrue(left[1] > 0 && left[1] <= 1_000_000_000L, "time left " + left[1]);
                assertEquals(0, tf2.pollReady()); // not expired yet
            } finally {
                r.lock().unlock();
            }
        } finally {
            if (r != null) r.memoryFile().close();
            k.memoryFile().close();
        }
    }
}
