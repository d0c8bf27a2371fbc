package dev.cryo.sentry.kernel;

import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.serializer.Savable;

/**
 * A pidfd (kernel/pid.c, kernel/fork.c): a descriptor that names one process for as long as it
 * is open, whatever pid number comes to be reused. It is readable (POLLIN) once every thread
 * of the process has exited; pidfd_send_signal, pidfd_getfd and waitid(P_PIDFD) act on the
 * process it names. Saved with the process it refers to.
 */
@Savable
public final class PidFdFile extends FileDescription {
    private ThreadGroup process;
    private long ino;

    PidFdFile(ThreadGroup process, long ino, int statusFlags) {
        super(OpenFlags.O_RDWR | (statusFlags & OpenFlags.O_NONBLOCK));
        this.process = process;
        this.ino = ino;
    }

    /** For Kryo. */
    private PidFdFile() {}

    /** A pidfd for the process of {@code t}'s kernel with id {@code tgid}, or null if there is none (reaped). */
    public static PidFdFile open(Kernel k, int tgid, int statusFlags) {
        ThreadGroup g = k.process(tgid);
        return g == null ? null : new PidFdFile(g, k.nextAnonInode(), statusFlags);
    }

    /**
     * A pidfd for the new child {@code tgid} of clone(CLONE_PIDFD), found among the processes:
     * the child may have run, and even exited, while its parent waited for its stub.
     */
    public static PidFdFile ofChild(Kernel k, int tgid) {
        return new PidFdFile(k.process(tgid), k.nextAnonInode(), 0);
    }

    public int pid() {
        return process.tgid;
    }

    /** Whether every thread of the process has exited (thread_group_exited): a zombie, or reaped. */
    public boolean exited() {
        return process.zombie || process.tasks.isEmpty();
    }

    /** A live thread of the process to signal or read descriptors from: its leader while alive; null once it exited. */
    public Task liveThread() {
        if (exited()) return null;
        for (Task x : process.tasks) if (x.tid == process.tgid) return x;
        return process.tasks.get(0);
    }

    @Override
    public int pollReady() {
        return exited() ? POLLIN | POLLRDNORM : 0;
    }

    @Override
    public long pollEvents() {
        return exited() ? 1 : 0;
    }

    @Override
    public byte[] stat() {
        // An anonymous inode, as Linux showed pidfds before pidfs: no file type, mode 0600.
        return Stat.synthetic(Stat.makedev(0, 14), ino, 0600, 0, 4096, 0);
    }

    @Override
    public String path() {
        return "anon_inode:[pidfd]";
    }

    @Override
    public String checkLoaded() {
        return process == null ? "a pidfd naming no process" : super.checkLoaded();
    }
}
