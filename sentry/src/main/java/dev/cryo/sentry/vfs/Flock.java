package dev.cryo.sentry.vfs;

import static dev.cryo.sentry.abi.Errno.EWOULDBLOCK;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.serializer.Savable;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * The flock(2) locks on one file (fs/locks.c's flock list): held by open file descriptions,
 * shared by many or exclusive to one; dup'ed and inherited descriptors share their
 * description's lock, and the last close of a description lets it go. Found by the file's
 * device and inode in {@link VirtualFilesystem}'s table; saved with it, so locks held survive a
 * checkpoint. Guarded by the kernel lock.
 */
@Savable
public final class Flock {
    public static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    private String key;
    private KernelLock lock;
    private final ArrayList<FileDescription> holders = new ArrayList<>();
    private boolean exclusive;
    /** Tasks waiting for it: it stays in the table while any does, so that all find the same one. */
    private int waiters;
    private HashMap<String, Flock> table;

    Flock(String key, KernelLock lock, HashMap<String, Flock> table) {
        this.key = key;
        this.lock = lock;
        this.table = table;
    }

    /** For Kryo. */
    private Flock() {}

    /**
     * flock(2)'s LOCK_SH or LOCK_EX for {@code f}: a lock it holds is let go first (a conversion
     * is not atomic, as in Linux), then it waits while another description's lock conflicts, or
     * fails with EWOULDBLOCK if {@code nonblock}.
     */
    void acquire(FileDescription f, boolean wantExclusive, boolean nonblock) {
        if (f.flock == this) {
            if (exclusive == wantExclusive) return;
            drop(f);
            table.putIfAbsent(key, this); // the drop may have emptied it: it is still the file's
        }
        if (!holders.isEmpty() && (exclusive || wantExclusive)) {
            if (nonblock) {
                forgetIfUnused();
                throw SyscallError.of(EWOULDBLOCK);
            }
            waiters++;
            try {
                while (!holders.isEmpty() && (exclusive || wantExclusive)) lock.await();
            } finally {
                waiters--;
            }
        }
        holders.add(f);
        exclusive = wantExclusive;
        f.flock = this;
    }

    private void forgetIfUnused() {
        if (holders.isEmpty() && waiters == 0) table.remove(key, this);
    }

    /** LOCK_UN, or the description's last close: lets its lock go and wakes the waiters. */
    void drop(FileDescription f) {
        holders.remove(f);
        f.flock = null;
        if (holders.isEmpty()) exclusive = false;
        forgetIfUnused();
        lock.wake();
    }

    /** What a loaded table's locks would trip on, or null. */
    String checkLoaded() {
        if (key == null || lock == null || table == null || holders.contains(null)) return "a file lock without its file";
        if (exclusive && holders.size() > 1 || waiters != 0) return "an exclusive file lock held twice, or waited for";
        for (FileDescription f : holders) if (f.flock != this) return "a file lock its holder does not know";
        return null;
    }
}
