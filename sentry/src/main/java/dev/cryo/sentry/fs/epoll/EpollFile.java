package dev.cryo.sentry.fs.epoll;

import dev.cryo.serializer.Savable;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Stat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An epoll instance (Linux's fs/eventpoll.c): the interest list, each entry a descriptor number
 * and the open file it named when added. Readiness is asked of the files themselves when a
 * wait looks (their poll operation, {@link FileDescription#pollReady}), so nothing is queued
 * and nothing can be missed across a checkpoint: the whole state is the interest list.
 *
 * <p>Ready entries are reported in the order they became ready, and a level-triggered entry goes
 * to the back once reported (Linux's ready list). Edge-triggered entries report again only after
 * a new event of their file ({@link FileDescription#pollEvents}); one-shot entries report once,
 * until EPOLL_CTL_MOD arms them again. Guarded by the kernel lock.
 */
@Savable
public final class EpollFile extends FileDescription {
    public static final int EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10,
            EPOLLRDNORM = 0x40, EPOLLRDBAND = 0x80, EPOLLWRNORM = 0x100, EPOLLWRBAND = 0x200, EPOLLMSG = 0x400,
            EPOLLRDHUP = 0x2000, EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30,
            EPOLLET = 1 << 31;
    /** What a file can report; the rest of an entry's bits are its mode. */
    static final int EVENT_BITS = EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDNORM | EPOLLRDBAND
            | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP;

    /** One watched descriptor. */
    @Savable
    public static final class Interest {
        int fd;
        FileDescription file;
        int events;
        long data;
        /** One-shot and reported: silent until re-armed by EPOLL_CTL_MOD. */
        boolean disarmed;
        /** Edge-triggered: the file's event count when last reported (-1: never). */
        long seenEvents = -1;
        /** Its place in the ready order, or -1 while not ready. */
        long order = -1;

        Interest() {}

        Interest(int fd, FileDescription file, int events, long data) {
            this.fd = fd;
            this.file = file;
            this.events = events;
            this.data = data;
        }
    }

    /** A ready entry as epoll_wait returns it. */
    public record Ready(int events, long data) {}

    private final long ino;
    /** The next place in the ready order. */
    private long nextOrder;
    /** By descriptor number, in the order they were added (the order a wait reports them). */
    private final LinkedHashMap<Integer, Interest> interests = new LinkedHashMap<>();

    public EpollFile(int flags, long ino) {
        super(flags);
        this.ino = ino;
    }

    /** For Kryo. */
    private EpollFile() {
        this.ino = 0;
    }

    /** Whether {@code f} may be watched: epoll refuses files without a poll operation (regular files, directories). */
    public static boolean pollable(FileDescription f) {
        byte[] st = f.stat();
        return !Stat.isRegular(st) && !Stat.isDir(st);
    }

    /**
     * Whether adding {@code target} here would make a loop of instances, or a chain deeper than
     * Linux's EP_MAX_NESTS (4): epoll_ctl's ELOOP.
     */
    public boolean wouldLoop(EpollFile target) {
        return target == this || target.reaches(this, 1);
    }

    private boolean reaches(EpollFile goal, int depth) {
        if (depth > 4) return true;
        for (Interest i : interests.values()) {
            if (i.file instanceof EpollFile e && (e == goal || e.reaches(goal, depth + 1))) return true;
        }
        return false;
    }

    /** EPOLL_CTL_ADD; false if {@code fd} is watched already (EEXIST). */
    public boolean add(int fd, FileDescription file, int events, long data) {
        if (interests.containsKey(fd)) return false;
        Interest i = new Interest(fd, file, events, data);
        interests.put(fd, i);
        if (readyNow(i) != 0) i.order = nextOrder++; // ep_insert queues an entry ready at once
        return true;
    }

    /** EPOLL_CTL_MOD; false if {@code fd} is not watched (ENOENT). Re-arms a one-shot entry. */
    public boolean modify(int fd, int events, long data) {
        Interest i = interests.get(fd);
        if (i == null) return false;
        i.events = events;
        i.data = data;
        i.disarmed = false;
        i.seenEvents = -1;
        i.order = readyNow(i) != 0 ? nextOrder++ : -1;
        return true;
    }

    /** EPOLL_CTL_DEL; false if {@code fd} is not watched (ENOENT). */
    public boolean remove(int fd) {
        return interests.remove(fd) != null;
    }

    /** The mode bits of the entry for {@code fd} (EPOLLEXCLUSIVE checks), or -1. */
    public int eventsOf(int fd) {
        Interest i = interests.get(fd);
        return i == null ? -1 : i.events;
    }

    /** What {@code i} would report now, before its trigger mode is considered. */
    private static int readyNow(Interest i) {
        // EPOLLERR and EPOLLHUP are always reported, asked for or not.
        return i.file.pollReady() & ((i.events & EVENT_BITS) | EPOLLERR | EPOLLHUP);
    }

    /** Whether {@code i} has something to report now; its {@code now} events go in {@code out}[0]. */
    private static boolean reportable(Interest i, int[] out) {
        if (i.disarmed) return false;
        int now = readyNow(i);
        out[0] = now;
        if (now == 0) return false;
        return (i.events & EPOLLET) == 0 || i.file.pollEvents() != i.seenEvents;
    }

    /**
     * The entries ready now, at most {@code max}, in ready order, consuming one-shot and
     * edge-triggered reports. {@code stillOpen} tells whether an entry's descriptor still names
     * its file: Linux drops an entry when its file is closed for good, and a descriptor closed
     * in this table is the case that matters (the entry goes too).
     */
    public List<Ready> collect(int max, java.util.function.BiPredicate<Integer, FileDescription> stillOpen) {
        List<Interest> ready = new ArrayList<>();
        int[] now = new int[1];
        for (var it = interests.entrySet().iterator(); it.hasNext();) {
            Interest i = it.next().getValue();
            if (!stillOpen.test(i.fd, i.file)) {
                it.remove();
                continue;
            }
            if (!reportable(i, now)) {
                if (now[0] == 0) i.order = -1;
                continue;
            }
            if (i.order < 0) i.order = nextOrder++; // became ready since the last look
            ready.add(i);
        }
        ready.sort(java.util.Comparator.comparingLong(i -> i.order));
        List<Ready> out = new ArrayList<>();
        for (Interest i : ready) {
            if (out.size() >= max) break;
            reportable(i, now);
            out.add(new Ready(now[0], i.data));
            if ((i.events & EPOLLONESHOT) != 0) {
                i.disarmed = true;
                i.order = -1;
            } else if ((i.events & EPOLLET) != 0) {
                i.seenEvents = i.file.pollEvents();
                i.order = -1;
            } else {
                i.order = nextOrder++; // level-triggered: to the back of the ready list
            }
        }
        return out;
    }

    /** Whether a watched file may change readiness without the Sentry knowing (host descriptors). */
    public boolean watchesHost() {
        for (Interest i : interests.values()) if (i.file.pollsHost()) return true;
        return false;
    }

    @Override
    public boolean pollsHost() {
        return watchesHost();
    }

    /** The soonest a watched file becomes ready by itself (a timer), as System.nanoTime(). */
    @Override
    public long pollDeadline() {
        long until = Long.MAX_VALUE;
        for (Interest i : interests.values()) if (i.file != this) until = Math.min(until, i.file.pollDeadline());
        return until;
    }

    /** An epoll descriptor is itself readable while one of its entries is ready. */
    @Override
    public int pollReady() {
        int[] now = new int[1];
        for (Interest i : interests.values()) {
            if (i.file != this && reportable(i, now)) return POLLIN | POLLRDNORM;
        }
        return 0;
    }

    @Override
    public byte[] stat() {
        // anon_inode: a regular-looking mode 0600 file of size 0 on the anonymous inode fs.
        return Stat.synthetic(Stat.makedev(0, 13), ino, 0600, 0, 4096, 0);
    }

    @Override
    public String path() {
        return "anon_inode:[eventpoll]";
    }
}
