package dev.cryo.sentry.memory;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.serializer.AfterLoad;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one file that backs all application memory (DESIGN.md rule 3): a memfd, mapped whole into
 * the Sentry for copy-in/copy-out and, range by range, into each address space by the platform.
 * Saving memory is saving the used ranges of this file.
 *
 * <p>Space is handed out page-aligned, first fit, from a free list; freed ranges are punched out
 * so their pages go back to the host. The file is sparse: reserving space costs nothing until
 * touched. Not thread-safe; the kernel serialises allocation (guarded by the kernel's lock once
 * tasks run concurrently).
 */
@Savable
public final class MemoryFile implements AutoCloseable, AfterLoad {
    public static final long PAGE = 4096;
    /** Virtual size of the file and of its mapping in the Sentry; pages exist only once written. */
    public static final long DEFAULT_CAPACITY = 1L << 40;

    private static final int PROT_READ = 1, PROT_WRITE = 2;
    private static final int MAP_SHARED = 0x01, MAP_NORESERVE = 0x4000;
    private static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;

    private final long capacity;
    /** Free ranges: offset to length, coalesced. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private long used;

    /** Host fd of the memfd. */
    @Rebuilt("a new memfd made in afterLoad; the image's pages are then read into it")
    private transient int fd;
    /** Address of the file's mapping in this JVM. */
    @Rebuilt("the new memfd's mapping, made in afterLoad")
    private transient long base;
    /** Fills a restored file in the background; null once everything is in (and when not restored). */
    @Rebuilt("set by the restorer once the graph is loaded: startLoading")
    private transient volatile MemoryLoader loader;

    /**
     * Write tracking, for checkpoints into the snapshot store that hash only what changed: the
     * granules ({@link #GRANULE}) written since tracking (re)started, by the Sentry (its writes
     * into application memory, copies, zeroing, freeing) and by the application (the memory
     * manager keeps the host mappings of unwritten granules read-only and reports the first
     * write fault of each, {@link #markWritten}). Null while not tracking: every granule then
     * counts as written. Changed under this; volatile, so that a task thread's unlocked check
     * sees tracking begin.
     */
    @Rebuilt("null: nothing is known unwritten in a new process")
    private transient volatile java.util.BitSet written;
    /** Bumped at each restart of tracking: address spaces compare it to know they must re-protect. */
    @Rebuilt("0, as tracking is off")
    private transient volatile long trackingEpoch;

    /** The tracking granule: the snapshot store's chunk, so that an unwritten granule is a stored chunk. */
    public static final long GRANULE = 64 << 10;

    public MemoryFile(long capacity) {
        this.capacity = capacity;
        open();
        free.put(0L, capacity);
    }

    private void open() {
        this.fd = Host.memfdCreate("cryo-memory", 0x0001 /* MFD_CLOEXEC */);
        Host.ftruncate(fd, capacity);
        this.base = Host.mmap(0, capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    }

    /** A new, empty memfd of the saved capacity; the restorer fills the saved pages. Runs first. */
    @Override
    public void afterLoad(Object env) {
        if (capacity <= 0 || capacity > DEFAULT_CAPACITY || (capacity & (PAGE - 1)) != 0) {
            throw new IllegalStateException("memory file capacity " + capacity + " is not plausible");
        }
        open();
    }

    public long capacity() {
        return capacity;
    }

    /**
     * The allocated ranges, offset to length, in offset order: what a checkpoint must look at
     * (everything else is free, hence zero).
     */
    public java.util.List<long[]> allocatedRanges() {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        long pos = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (e.getKey() > pos) out.add(new long[] {pos, e.getKey() - pos});
            pos = e.getKey() + e.getValue();
        }
        if (pos < capacity) out.add(new long[] {pos, capacity - pos});
        return out;
    }

    /** Whether [off, off+len) lies inside the file and is allocated (restore checks images with it). */
    public boolean isAllocated(long off, long len) {
        if (off < 0 || len < 0 || off + len > capacity || off + len < off) return false;
        Map.Entry<Long, Long> e = free.floorEntry(off + Math.max(len, 1) - 1);
        return e == null || e.getKey() + e.getValue() <= off;
    }

    /** The host descriptor, for the platform to map ranges into address spaces. */
    public int fd() {
        return fd;
    }

    /** Bytes currently allocated. */
    public long usage() {
        return used;
    }

    /**
     * The Sentry's address of file offset {@code offset}, for access to the {@code len} bytes
     * there: they hold their saved contents by the time this returns (see {@link MemoryLoader}).
     */
    public long address(long offset, long len) {
        ensureLoaded(offset, len);
        return base + offset;
    }

    /** As {@link #address}, for a write: the granules are recorded as written. */
    public long addressForWrite(long offset, long len) {
        markWritten(offset, len);
        return address(offset, len);
    }

    /** Records [off, off+len) as written since tracking (re)started. */
    public void markWritten(long off, long len) {
        if (len <= 0 || written == null) return;
        synchronized (this) {
            if (written != null) written.set(granule(off), granule(off + len - 1) + 1);
        }
    }

    /** Whether tracking is on and nothing of [off, off+len) was written since it (re)started. */
    public synchronized boolean unwritten(long off, long len) {
        if (written == null || len <= 0) return false;
        int from = granule(off);
        int next = written.nextSetBit(from);
        return next < 0 || next > granule(off + len - 1);
    }

    /** Whether tracking is on (some granules may be unwritten). */
    public boolean tracking() {
        return written != null;
    }

    /** The current tracking epoch (0 while tracking was never on). */
    public long trackingEpoch() {
        return trackingEpoch;
    }

    /**
     * (Re)starts tracking, with the sandbox frozen (a checkpoint begins): returns the granules
     * written since the last start, or null if tracking was off (all of them), and counts from
     * nothing again.
     */
    public synchronized java.util.BitSet restartTracking() {
        java.util.BitSet before = written;
        written = new java.util.BitSet();
        trackingEpoch++;
        return before;
    }

    /** Stops tracking (a checkpoint failed: what it would have known clean is not). */
    public synchronized void stopTracking() {
        written = null;
        trackingEpoch++;
    }

    /** Whether {@code written} (from {@link #restartTracking}) has any granule of [off, off+len). */
    public static boolean anyWritten(java.util.BitSet written, long off, long len) {
        int next = written.nextSetBit(granule(off));
        return next >= 0 && next <= granule(off + Math.max(len, 1) - 1);
    }

    private static int granule(long off) {
        return (int) (off / GRANULE);
    }

    /** The address of {@code offset} whatever its state: for the loader that fills it. */
    long rawAddress(long offset) {
        return base + offset;
    }

    /** Fills the file from a restored image in the background from now on. */
    public void startLoading(MemoryLoader l) {
        this.loader = l;
        l.start(this);
    }

    /** The loader is done: no access has to wait any more. */
    void loaded(MemoryLoader l) {
        if (loader == l) loader = null;
    }

    /**
     * Returns once [off, off+len) holds its saved contents: call before anything outside this
     * class reads or writes those bytes (mapping them into a stub, say). Free after the load.
     */
    public void ensureLoaded(long off, long len) {
        MemoryLoader l = loader;
        if (l != null) l.await(off, len);
    }

    /** Whether a restored file is still being filled in the background. */
    public boolean loading() {
        return loader != null;
    }

    /** Returns once the whole file holds its saved contents (before a checkpoint reads it). */
    public void awaitLoaded() {
        ensureLoaded(0, capacity);
    }

    /**
     * Allocates {@code len} bytes (rounded up to pages) of zeroed file; returns the offset.
     * ENOMEM when no free range is large enough: the application asked for more memory than
     * the sandbox has, which is its error, never the Sentry's.
     */
    public long allocate(long len) {
        long size = roundUp(len);
        if (size <= 0 || size > capacity) throw SyscallError.of(Errno.ENOMEM);
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            // Read the entry before removing it: TreeMap may reuse a deleted node for its successor.
            long off = e.getKey(), avail = e.getValue();
            if (avail >= size) {
                free.remove(off);
                if (avail > size) free.put(off + size, avail - size);
                used += size;
                return off;
            }
        }
        throw SyscallError.of(Errno.ENOMEM);
    }

    /**
     * Tries to grow the allocation at [off, off+oldLen) in place to newLen; true if it did.
     * The new tail is zero.
     */
    public boolean tryExtend(long off, long oldLen, long newLen) {
        long oldSize = roundUp(oldLen), newSize = roundUp(newLen);
        if (newSize <= oldSize) return true;
        long next = off + oldSize;
        Long nextLen = free.get(next);
        long need = newSize - oldSize;
        if (nextLen == null || nextLen < need) return false;
        free.remove(next);
        if (nextLen > need) free.put(next + need, nextLen - need);
        used += need;
        return true;
    }

    /** Returns [off, off+len) to the free list and its pages to the host. */
    public void release(long off, long len) {
        long size = roundUp(len);
        if (size == 0) return;
        ensureLoaded(off, size); // else the loader could fill it after it is handed out again
        markWritten(off, size); // zero from now on, whatever it held
        Host.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, size);
        used -= size;
        long start = off, end = off + size;
        Map.Entry<Long, Long> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            start = before.getKey();
            free.remove(start);
        }
        Long afterLen = free.get(end);
        if (afterLen != null) {
            free.remove(end);
            end += afterLen;
        }
        free.put(start, end - start);
    }

    /** Zeroes [off, off+len) and gives its pages back to the host, keeping it allocated. */
    public void zero(long off, long len) {
        ensureLoaded(off, len);
        markWritten(off, len);
        long start = roundUp(off), end = (off + len) & ~(PAGE - 1);
        if (start > off) Host.zero(base + off, Math.min(start, off + len) - off);
        if (end >= start) {
            if (end > start) Host.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start, end - start);
            if (off + len > end && end >= start) Host.zero(base + end, off + len - end);
        }
    }

    public void read(long off, byte[] dst, int idx, int len) {
        ensureLoaded(off, len);
        Host.getBytes(base + off, dst, idx, len);
    }

    public void write(long off, byte[] src, int idx, int len) {
        ensureLoaded(off, len);
        markWritten(off, len);
        Host.putBytes(base + off, src, idx, len);
    }

    public void copy(long fromOff, long toOff, long len) {
        ensureLoaded(fromOff, len);
        ensureLoaded(toOff, len);
        markWritten(toOff, len);
        Host.copy(base + fromOff, base + toOff, len);
    }

    /**
     * Copies [fromOff, fromOff+len) to {@code toOff}, skipping what the host never populated
     * (SEEK_DATA/SEEK_HOLE): the destination is freshly allocated, hence already zero there.
     */
    public void copyPopulated(long fromOff, long toOff, long len) {
        // A restored file still loading has holes where saved data is yet to come: load first.
        ensureLoaded(fromOff, len);
        ensureLoaded(toOff, len);
        markWritten(toOff, len);
        long pos = fromOff, end = fromOff + len;
        while (pos < end) {
            long data = Host.seekData(fd, pos, true);
            if (data < 0 || data >= end) return;
            long hole = Host.seekData(fd, data, false);
            long stop = hole < 0 ? end : Math.min(end, hole);
            // pwrite from our own mapping of the source: the kernel fills the new pages as it
            // allocates them, where a memcpy would take a page fault on each (fork's copy took
            // half as long so: ~320 µs instead of ~580 for a static program's 700 KB).
            long done = 0, n = stop - data, to = toOff + (data - fromOff);
            while (done < n) {
                long w = Host.pwrite(fd, base + data + done, n - done, to + done);
                if (w <= 0) throw new IllegalStateException("memory file copy: pwrite returned " + w);
                done += w;
            }
            pos = stop;
        }
    }

    /** Releases the memfd and its mapping. Idempotent; a never-opened file (a failed load) has neither. */
    @Override
    public void close() {
        MemoryLoader l = loader;
        if (l != null) l.close();
        if (base != 0) Host.munmap(base, capacity);
        if (fd > 0) Host.close(fd);
        base = 0;
        fd = -1;
    }

    public static long roundUp(long len) {
        return (len + PAGE - 1) & ~(PAGE - 1);
    }
}
