package dev.cryo.sentry.mm;

import static dev.cryo.sentry.abi.Errno.EEXIST;
import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOMEM;
import static dev.cryo.sentry.abi.Errno.EOPNOTSUPP;
import static dev.cryo.sentry.abi.Errno.EOVERFLOW;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.abi.Mman.*;
import static dev.cryo.sentry.mm.MemoryManager.PAGE;
import static dev.cryo.sentry.mm.MemoryManager.aligned;
import static dev.cryo.sentry.mm.MemoryManager.err;
import static dev.cryo.sentry.mm.MemoryManager.pageUp;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.memory.MemoryFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The range operations of {@link MemoryManager}, with Linux's argument checks and errnos. */
final class VmaOps {
    private static final int KNOWN_MAP_FLAGS = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT
            | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE
            | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE
            | MAP_UNINITIALIZED | (0x3f << 26) /* MAP_HUGE_SHIFT sizes */;

    /** x86-64 TASK_SIZE: Linux validates user ranges against it. */
    static final long TASK_SIZE = 0x7ffffffff000L;

    private final MemoryManager mm;

    VmaOps(MemoryManager mm) {
        this.mm = mm;
    }

    long mmap(long addr, long len, int prot, int flags, MappingSource source, long offset, long asLimit) {
        if (len == 0) throw err(EINVAL);
        if ((offset & (PAGE - 1)) != 0) throw err(EINVAL);
        long size = pageUp(len);
        if (size == 0 || size < 0) throw err(ENOMEM);
        if (source != null && offset + size < offset) throw err(EOVERFLOW);
        int type = flags & MAP_TYPE;
        if (type == MAP_SHARED_VALIDATE && source == null) {
            throw err(EINVAL); // mm/mmap.c: anonymous mappings know only MAP_SHARED and MAP_PRIVATE
        } else if (type == MAP_SHARED_VALIDATE) {
            if ((flags & ~KNOWN_MAP_FLAGS) != 0) throw err(EOPNOTSUPP);
            if ((flags & MAP_SYNC) != 0) throw err(EOPNOTSUPP); // no DAX here
        } else if (type != MAP_SHARED && type != MAP_PRIVATE) {
            throw err(EINVAL);
        }
        if ((flags & MAP_HUGETLB) != 0 && source != null) throw err(EINVAL);
        boolean fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
        long start;
        if (fixed) {
            if (!aligned(addr)) throw err(EINVAL);
            if (addr + size > mm.maxAddr || addr + size < addr) throw err(ENOMEM);
            if (addr < mm.minAddr) throw err(EPERM);
            if ((flags & MAP_FIXED) == 0 && overlaps(addr, addr + size)) throw err(EEXIST);
            start = addr;
        } else {
            start = findFree(addr, size, (flags & MAP_32BIT) != 0);
        }
        if (asLimit != -1L) mayExpand(size - mappedIn(start, start + size), asLimit); // a fixed mapping replaces what it covers
        prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
        long off = mm.file.allocate(size);
        if (source != null) {
            fill(off, size, source, offset);
        }
        removeRange(start, start + size);
        String name = source != null ? source.name() : "";
        mm.vmas.put(start, new Vma(start, start + size, prot, type != MAP_PRIVATE, off, name));
        return start;
    }

    /** Copies the file's bytes into freshly allocated memory; the rest of the last page stays zero. */
    private void fill(long off, long size, MappingSource source, long offset) {
        long done = 0;
        while (done < size) {
            long n = source.readInto(mm.file.addressForWrite(off + done, size - done), size - done, offset + done);
            if (n <= 0) break;
            done += n;
        }
    }

    void munmap(long addr, long len) {
        // mm/mmap.c do_vmi_munmap: unsigned checks against TASK_SIZE, not our mappable top.
        if (!aligned(addr) || len == 0) throw err(EINVAL);
        if (Long.compareUnsigned(addr, TASK_SIZE) > 0 || Long.compareUnsigned(len, TASK_SIZE - addr) > 0) throw err(EINVAL);
        long size = pageUp(len);
        if (addr < mm.maxAddr) removeRange(addr, Math.min(addr + size, mm.maxAddr));
    }

    void mprotect(long addr, long len, int prot) {
        if (!aligned(addr)) throw err(EINVAL);
        if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) != 0) throw err(EINVAL);
        if ((prot & PROT_GROWSDOWN) != 0 && (prot & PROT_GROWSUP) != 0) throw err(EINVAL);
        if (len == 0) return;
        long size = pageUp(len);
        if (size == 0 || addr + size < addr) throw err(ENOMEM);
        long end = addr + size;
        if (!fullyMapped(addr, end)) throw err(ENOMEM);
        prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
        List<Vma> pieces = split(addr, end);
        if ((prot & PROT_WRITE) != 0) {
            for (Vma v : pieces) unshare(v);
        }
        for (Vma v : pieces) {
            v.prot = prot;
        }
        mm.protectInAddressSpace(addr, end, prot);
    }

    long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr, long asLimit) {
        if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0) throw err(EINVAL);
        boolean mayMove = (flags & MREMAP_MAYMOVE) != 0;
        boolean fixed = (flags & MREMAP_FIXED) != 0;
        boolean dontUnmap = (flags & MREMAP_DONTUNMAP) != 0;
        if ((fixed || dontUnmap) && !mayMove) throw err(EINVAL);
        if (!aligned(oldAddr)) throw err(EINVAL);
        long oldSize = pageUp(oldLen), newSize = pageUp(newLen);
        if (newLen == 0 || newSize == 0 || oldSize < 0 || newSize < 0) throw err(EINVAL);
        if (dontUnmap && oldSize != newSize) throw err(EINVAL);
        Map.Entry<Long, Vma> e = mm.vmas.floorEntry(oldAddr);
        if (e == null || e.getValue().end <= oldAddr) throw err(EFAULT);
        Vma vma = e.getValue();
        if (oldAddr + oldSize > vma.end || oldAddr + oldSize < oldAddr) throw err(EFAULT);
        if (oldSize == 0) {
            // Linux duplicates shared mappings for old_len 0; private ones are refused.
            if (!vma.shared) throw err(EINVAL);
            throw err(EINVAL); // duplicating shared mappings needs shared file ranges (fork's issue)
        }
        if (fixed) {
            if (!aligned(newAddr)) throw err(EINVAL);
            if (newAddr + newSize > mm.maxAddr || newAddr < mm.minAddr) throw err(EINVAL);
            if (newAddr < oldAddr + oldSize && oldAddr < newAddr + newSize) throw err(EINVAL);
        }
        if (!fixed && newSize <= oldSize) {
            if (newSize < oldSize) removeRange(oldAddr + newSize, oldAddr + oldSize);
            return oldAddr;
        }
        // Growth counts against RLIMIT_AS (a fixed move also frees what it lands on, and the
        // old range unless MREMAP_DONTUNMAP keeps it).
        if (asLimit != -1L) {
            long grow = fixed ? newSize - mappedIn(newAddr, newAddr + newSize) - (dontUnmap ? 0 : oldSize)
                    : newSize - (dontUnmap ? 0 : oldSize);
            mayExpand(grow, asLimit);
        }
        if (!fixed && oldAddr + oldSize == vma.end && free(vma.end, oldAddr + newSize)
                && oldAddr + newSize <= mm.maxAddr) {
            growVma(vma, oldAddr + newSize);
            return oldAddr;
        }
        if (!mayMove) throw err(ENOMEM);
        // Move: the pages travel with their memory-file range, nothing is copied.
        List<Vma> pieces = split(oldAddr, oldAddr + oldSize);
        Vma moving = pieces.get(0);
        long target;
        if (fixed) {
            removeRange(newAddr, newAddr + newSize);
            target = newAddr;
        } else {
            target = findFree(0, newSize, false);
        }
        mm.vmas.remove(moving.start);
        mm.unmapFromAddressSpace(moving.start, moving.end);
        long oldStart = moving.start, oldEnd = moving.end;
        moving.start = target;
        moving.end = target + oldSize;
        mm.vmas.put(target, moving);
        if (newSize > oldSize) {
            growVma(moving, target + newSize);
        } else if (newSize < oldSize) {
            removeRange(target + newSize, target + oldSize);
        }
        if (dontUnmap) {
            long off = mm.file.allocate(oldEnd - oldStart);
            mm.vmas.put(oldStart, new Vma(oldStart, oldEnd, moving.prot, moving.shared, off, moving.name));
        }
        return target;
    }

    /** Extends {@code v} to {@code newEnd}, keeping its memory-file range contiguous. */
    private void growVma(Vma v, long newEnd) {
        unshare(v);
        // Growing a range another process maps too would need the other's VMAs to follow: refused.
        if (v.share != null && v.share.users > 1) throw err(ENOMEM);
        long oldLen = v.end - v.start, newLen = newEnd - v.start;
        if (!mm.file.tryExtend(v.fileOffset, oldLen, newLen)) {
            long off = mm.file.allocate(newLen);
            mm.file.copy(v.fileOffset, off, oldLen);
            release(mm.file, v);
            mm.unmapFromAddressSpace(v.start, v.end);
            v.fileOffset = off;
            v.share = null;
        } else if (v.share != null) {
            v.share.length += newLen - oldLen; // the share's range ended where v's did
        }
        v.end = newEnd;
    }

    /**
     * Gives a private VMA whose pages another VMA maps too (fork shares private VMAs that cannot
     * be written) a copy of its own before its pages may change: made writable, discarded or
     * grown. A VMA that is its range's only user keeps the range. ENOMEM leaves it as it was.
     */
    private void unshare(Vma v) {
        if (v.shared || v.share == null || v.share.users <= 1) return;
        long len = v.end - v.start;
        long off = mm.file.allocate(len);
        try {
            mm.file.copyPopulated(v.fileOffset, off, len);
        } catch (RuntimeException e) {
            mm.file.release(off, len);
            throw e;
        }
        v.share.users--;
        v.share = null;
        v.fileOffset = off;
        mm.unmapFromAddressSpace(v.start, v.end); // the next access maps the copy
    }

    /** Gives back the memory-file range of a VMA that goes away, unless other VMAs share it. */
    static void release(MemoryFile file, Vma v) {
        if (v.share == null) {
            file.release(v.fileOffset, v.end - v.start);
        } else if (--v.share.users == 0) {
            file.release(v.share.offset, v.share.length);
        }
    }

    void madvise(long addr, long len, int advice) {
        if (!aligned(addr)) throw err(EINVAL);
        switch (advice) {
            case MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
                    MADV_FREE, MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE,
                    MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP,
                    MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT,
                    MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED -> { }
            case MADV_HWPOISON, MADV_SOFT_OFFLINE -> throw err(EPERM);
            default -> throw err(EINVAL);
        }
        long size = pageUp(len);
        if (len != 0 && size == 0) throw err(EINVAL);
        long end = addr + size;
        if (end < addr) throw err(EINVAL);
        if (size == 0) return;
        if (!fullyMapped(addr, end)) throw err(ENOMEM);
        boolean discard = advice == MADV_DONTNEED || advice == MADV_FREE
                || advice == MADV_DONTNEED_LOCKED || advice == MADV_REMOVE;
        if (!discard) return;
        Map.Entry<Long, Vma> e = mm.vmas.floorEntry(addr);
        for (Vma v = e.getValue(); v != null && v.start < end; v = next(v)) {
            if (v.shared && advice != MADV_REMOVE) continue; // shared pages stay in the file
            unshare(v); // the other process's pages stay
            long s = Math.max(addr, v.start), t = Math.min(end, v.end);
            mm.file.zero(v.fileOffset + (s - v.start), t - s);
        }
    }

    long brk(long newBrk, long asLimit) {
        if (newBrk < mm.brkStart) return mm.brk;
        long oldTop = pageUp(mm.brk), newTop = pageUp(newBrk);
        if (newTop > oldTop) {
            if (newTop > mm.mmapBase || !free(oldTop, newTop)) return mm.brk;
            if (!withinLimit(newTop - oldTop, asLimit)) return mm.brk;
            long off;
            try {
                off = mm.file.allocate(newTop - oldTop);
            } catch (SyscallError e) {
                return mm.brk; // ENOMEM: brk(2) reports failure by not moving
            }
            mm.vmas.put(oldTop, new Vma(oldTop, newTop, PROT_READ | PROT_WRITE, false, off, "[heap]"));
        } else if (newTop < oldTop) {
            removeRange(newTop, oldTop);
        }
        mm.brk = newBrk;
        return newBrk;
    }

    // ---- RLIMIT_AS (mm/mmap.c may_expand_vm)

    /** ENOMEM if mapping {@code grow} more bytes would take the address space past {@code limit} (unsigned; RLIM_INFINITY is -1). */
    private void mayExpand(long grow, long limit) {
        if (!withinLimit(grow, limit)) throw err(ENOMEM);
    }

    private boolean withinLimit(long grow, long limit) {
        if (limit == -1L || grow <= 0) return true;
        return Long.compareUnsigned(mappedIn(0, Long.MAX_VALUE) + grow, limit) <= 0;
    }

    /** Bytes mapped in [start, end). */
    long mappedIn(long start, long end) {
        long n = 0;
        Map.Entry<Long, Vma> first = mm.vmas.floorEntry(start);
        for (Vma v : mm.vmas.subMap(first == null ? start : first.getKey(), true, end, false).values()) {
            long s = Math.max(v.start, start), e = Math.min(v.end, end);
            if (e > s) n += e - s;
        }
        return n;
    }

    // ---- VMA set primitives

    private Vma next(Vma v) {
        Map.Entry<Long, Vma> n = mm.vmas.higherEntry(v.start);
        return n == null ? null : n.getValue();
    }

    boolean overlaps(long start, long end) {
        Map.Entry<Long, Vma> e = mm.vmas.lowerEntry(end);
        return e != null && e.getValue().end > start;
    }

    boolean free(long start, long end) {
        return start >= mm.minAddr && end <= mm.maxAddr && !overlaps(start, end);
    }

    boolean fullyMapped(long start, long end) {
        long pos = start;
        while (pos < end) {
            Map.Entry<Long, Vma> e = mm.vmas.floorEntry(pos);
            if (e == null || e.getValue().end <= pos) return false;
            pos = e.getValue().end;
        }
        return true;
    }

    /** Lowest-risk placement, as Linux's top-down allocator: the highest gap below mmapBase. */
    long findFree(long hint, long size, boolean low32) {
        if (hint != 0) {
            long h = pageUp(hint);
            if (h >= mm.minAddr && h + size <= mm.mmapBase && h + size > h && free(h, h + size)) return h;
        }
        long top = low32 ? Math.min(mm.mmapBase, 0x8000_0000L) : mm.mmapBase;
        long end = top;
        Map.Entry<Long, Vma> e = mm.vmas.lowerEntry(end);
        while (true) {
            long gapStart = e == null ? mm.minAddr : Math.max(e.getValue().end, mm.minAddr);
            if (e != null && e.getValue().end > end) {
                end = e.getValue().start;
                e = mm.vmas.lowerEntry(end);
                continue;
            }
            if (end - gapStart >= size) return end - size;
            if (e == null) throw err(ENOMEM);
            end = e.getValue().start;
            e = mm.vmas.lowerEntry(end);
        }
    }

    /** Splits VMAs at start and end so that [start, end) is made of whole VMAs; returns them. */
    List<Vma> split(long start, long end) {
        splitAt(start);
        splitAt(end);
        List<Vma> out = new ArrayList<>();
        for (Vma v : mm.vmas.subMap(start, true, end, false).values()) out.add(v);
        return out;
    }

    private void splitAt(long addr) {
        Map.Entry<Long, Vma> e = mm.vmas.lowerEntry(addr);
        if (e == null) return;
        Vma v = e.getValue();
        if (v.end <= addr) return;
        Vma tail = v.slice(addr, v.end);
        v.end = addr;
        mm.vmas.put(addr, tail);
    }

    /** Unmaps [start, end): VMAs are cut, their memory released, the address space cleared. */
    void removeRange(long start, long end) {
        if (!overlaps(start, end)) return;
        for (Vma v : split(start, end)) {
            mm.vmas.remove(v.start);
            release(mm.file, v);
        }
        mm.unmapFromAddressSpace(start, end);
    }

    static long pages(long bytes) {
        return bytes / MemoryFile.PAGE;
    }
}
