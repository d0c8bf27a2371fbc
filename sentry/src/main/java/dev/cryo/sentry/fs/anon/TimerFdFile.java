package dev.cryo.sentry.fs.anon;

import static dev.cryo.sentry.abi.Errno.EAGAIN;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ERESTARTSYS;

import dev.cryo.serializer.Savable;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.sync.SandboxClock;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;

/**
 * A timerfd (fs/timerfd.c): a timer on the wall clock or the sandbox's monotonic clock whose
 * expiries are counted, not signalled; a read takes the count (waiting for the first). Expiries
 * are counted from the deadline whenever the timer is looked at, and waits that watch it
 * ({@link #pollDeadline}) wake by its deadline. Guarded by the kernel lock.
 */
@Savable
public final class TimerFdFile extends FileDescription {
    /** The clocks a timerfd may use (the alarm ones behave as their plain clock here). */
    public static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7,
            CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9;

    private final SandboxClock kernel;
    private final long ino;
    private final int clock;
    /** The next expiry on the timer's clock, ns; 0 when disarmed. */
    private long deadline;
    private long interval;
    /** Expiries not yet read. */
    private long ticks;
    private long events;

    public TimerFdFile(SandboxClock kernel, long ino, int clock, int flags) {
        super(OpenFlags.O_RDWR | (flags & OpenFlags.O_NONBLOCK));
        this.kernel = kernel;
        this.ino = ino;
        this.clock = clock;
    }

    /** For Kryo. */
    private TimerFdFile() {
        this.kernel = null;
        this.ino = 0;
        this.clock = 0;
    }

    public static boolean validClock(int clock) {
        return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME
                || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM;
    }

    /** Now on the timer's clock, ns. */
    public long now() {
        if (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM) {
            java.time.Instant i = java.time.Instant.now();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }
        return kernel.uptimeNanos();
    }

    /** Counts the expiries up to now (hrtimer_forward). */
    private long update() {
        long now = now();
        if (deadline != 0 && now >= deadline) {
            if (interval > 0) {
                long n = 1 + (now - deadline) / interval;
                ticks += n;
                deadline += n * interval;
            } else {
                ticks++;
                deadline = 0;
            }
            events++;
        }
        return now;
    }

    /**
     * timerfd_settime: arms the timer to expire at {@code value} (absolute on its clock, or
     * from now) then every {@code every} ns; 0 disarms it. Returns the old {interval, time left}.
     */
    public long[] set(long value, long every, boolean absolute) {
        long[] old = get();
        long now = now();
        ticks = 0;
        interval = every;
        deadline = value == 0 ? 0 : absolute ? Math.max(1, value) : now + value;
        update(); // an absolute time already past counts at once
        kernel.lock().wake(); // waits on the timer look again
        return old;
    }

    /** timerfd_gettime: {interval, time left} (0 when disarmed). */
    public long[] get() {
        long now = update();
        return new long[] {interval, deadline == 0 ? 0 : Math.max(1, deadline - now)};
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        if (len < 8) throw SyscallError.of(EINVAL);
        while (true) {
            long now = update();
            if (ticks != 0) break;
            if ((flags & OpenFlags.O_NONBLOCK) != 0) throw SyscallError.of(EAGAIN);
            if (deadline == 0) {
                kernel.lock().await();
            } else {
                kernel.lock().awaitNanos(deadline - now, ERESTARTSYS);
            }
        }
        mem.check(addr, 8, true);
        mem.writeLong(addr, ticks);
        ticks = 0;
        return 8;
    }

    @Override
    public int pollReady() {
        update();
        return ticks != 0 ? POLLIN | POLLRDNORM : 0;
    }

    @Override
    public long pollEvents() {
        return events;
    }

    @Override
    public long pollDeadline() {
        if (deadline == 0) return Long.MAX_VALUE;
        return System.nanoTime() + Math.max(0, deadline - now());
    }

    @Override
    public byte[] stat() {
        return Stat.synthetic(Stat.makedev(0, 13), ino, 0600, 0, 4096, 0);
    }

    @Override
    public String path() {
        return "anon_inode:[timerfd]";
    }
}
