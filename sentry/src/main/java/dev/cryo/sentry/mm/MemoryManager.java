package dev.cryo.sentry.mm;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOMEM;

import dev.cryo.platform.AddressSpace;
import dev.cryo.sentry.abi.Mman;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's memory: its VMAs, program break and the mirror of what is mapped in the platform's
 * address space. Mirrors Linux's mm/mmap.c, mm/mremap.c, mm/mprotect.c and gVisor's
 * pkg/sentry/mm. Application memory is always in the {@link MemoryFile}; the address space is
 * filled lazily, a VMA at a time, when the application first touches it ({@link #handleFault}).
 *
 * <p>Range operations are in {@link VmaOps}; copy-in/copy-out in {@link Usermem}.
 */
@Savable
public final class MemoryManager {
    public static final long PAGE = MemoryFile.PAGE;

    final MemoryFile file;
    final long minAddr;
    final long maxAddr;
    /** Top of the area where mmap places mappings, growing down (Linux's mmap_base). */
    long mmapBase;
    /** VMAs by start address; non-overlapping. */
    final TreeMap<Long, Vma> vmas = new TreeMap<>();
    long brkStart;
    long brk;
    /** Where the loader put the argv and envp strings (Linux's arg_start..env_end): /proc/PID/cmdline and environ. */
    long argStart, argEnd, envStart, envEnd;

    /** The platform's view of the address space. */
    @Rebuilt("a new stub's address space, given to attach() by Kernel.resumeOnThisThread")
    transient AddressSpace as;
    /** Ranges currently mapped in {@link #as}: start to end. */
    @Rebuilt("empty in attach(): the new stub maps nothing until the program touches it")
    transient TreeMap<Long, Long> mapped = new TreeMap<>();

    /**
     * At fork, what the parent had mapped in its address space: the child maps it in one go
     * when attached ({@link #mapInherited}), rather than taking a fault for each range it
     * touches again (a static program's child took five, ~40 µs each).
     */
    @Rebuilt("null: a restored process maps what it touches")
    private transient TreeMap<Long, Long> inherited;

    @Rebuilt("empty: a restored file tracks no writes until the next checkpoint into the store")
    private transient WriteTracking tracking = new WriteTracking(0);

    /** Stateless helpers over this manager. */
    @Rebuilt("made again on first use (ops())")
    private transient VmaOps ops;
    @Rebuilt("made again on first use (usermem())")
    private transient Usermem usermem;

    public MemoryManager(MemoryFile file, long minAddr, long maxAddr) {
        this.file = file;
        this.minAddr = minAddr;
        this.maxAddr = maxAddr;
        this.mmapBase = maxAddr;
    }

    /** Connects the platform's address space (at start, and after restore). */
    public void attach(AddressSpace as) {
        this.as = as;
        this.mapped = new TreeMap<>();
        this.tracking = new WriteTracking(file.trackingEpoch()); // nothing mapped yet: nothing to re-protect
    }

    /**
     * Maps into the attached address space what the parent had mapped at fork, with this
     * process's VMAs (the same ranges; private ones now at the child's copies). Nothing while a
     * restored memory file is still loading: faults wait for the pieces they need.
     */
    public void mapInherited() {
        TreeMap<Long, Long> from = inherited;
        inherited = null;
        if (from == null || as == null || file.loading()) return;
        List<AddressSpace.Mapping> ranges = new ArrayList<>();
        for (Map.Entry<Long, Long> m : from.entrySet()) {
            long start = m.getKey(), end = m.getValue();
            Map.Entry<Long, Vma> first = vmas.floorEntry(start);
            Long key = first != null && first.getValue().end > start ? first.getKey() : vmas.ceilingKey(start);
            for (Vma v : key == null ? List.<Vma>of() : vmas.tailMap(key, true).values()) {
                if (v.start >= end) break;
                long lo = Math.max(start, v.start), hi = Math.min(end, v.end);
                if (v.prot == 0 || lo >= hi) continue;
                long off = v.fileOffset + (lo - v.start);
                AddressSpace.Mapping last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (last != null && last.addr() + last.len() == lo && last.prot() == v.prot
                        && last.fileOffset() + last.len() == off) {
                    // One mmap for neighbours that continue each other in the file too (a
                    // static program's data, RELRO and bss copies: 9 calls became 5).
                    ranges.set(ranges.size() - 1, new AddressSpace.Mapping(last.addr(), last.len() + hi - lo, v.prot, last.fileOffset()));
                } else {
                    ranges.add(new AddressSpace.Mapping(lo, hi - lo, v.prot, off));
                }
            }
        }
        as.map(ranges);
        for (AddressSpace.Mapping r : ranges) markMapped(r.addr(), r.addr() + r.len());
        for (AddressSpace.Mapping r : ranges) {
            if ((r.prot() & Mman.PROT_WRITE) != 0) tracking.protectUnwritten(this, r.addr(), r.addr() + r.len());
        }
    }

    public AddressSpace addressSpace() {
        return as;
    }

    public MemoryFile memoryFile() {
        return file;
    }

    public long minAddress() {
        return minAddr;
    }

    public long maxAddress() {
        return maxAddr;
    }

    /** Sets where top-down mmap placement starts (below the stack). */
    public void setMmapBase(long base) {
        this.mmapBase = base;
    }

    /**
     * Sets the start of the program break just past the loaded program, page aligned as
     * binfmt_elf does (mm->start_brk = mm->brk = ELF_PAGEALIGN(elf_brk)).
     */
    public void setBrkStart(long end) {
        this.brkStart = pageUp(end);
        this.brk = brkStart;
    }

    /** Records where the argv and envp strings are (the loader, after it built the stack). */
    public void setArgEnv(long argStart, long argEnd, long envStart, long envEnd) {
        this.argStart = argStart;
        this.argEnd = argEnd;
        this.envStart = envStart;
        this.envEnd = envEnd;
    }

    /** [arg_start, arg_end, env_start, env_end]. */
    public long[] argEnv() {
        return new long[] {argStart, argEnd, envStart, envEnd};
    }

    /** A snapshot of the VMAs, in address order (for /proc/PID/maps, core dumps, tests). */
    public List<Vma> vmas() {
        return new ArrayList<>(vmas.values());
    }

    // ---- fork, exec, exit

    /**
     * The child's memory at fork (Linux's dup_mmap): a new manager over the same memory file
     * with the same VMAs. Private VMAs get their own copy of the pages; only the pages the
     * host has populated are copied (a sparse 8 MiB stack costs what was touched). Shared VMAs
     * keep pointing at the same range, counted in a {@link Share}. Copy-on-write would save
     * the copy, at the price of write faults through the platform; the copy runs at memcpy
     * speed. ENOMEM (nothing changed) if the memory file is full.
     */
    public MemoryManager fork() {
        MemoryManager c = new MemoryManager(file, minAddr, maxAddr);
        c.mmapBase = mmapBase;
        c.brkStart = brkStart;
        c.brk = brk;
        c.argStart = argStart;
        c.argEnd = argEnd;
        c.envStart = envStart;
        c.envEnd = envEnd;
        c.inherited = new TreeMap<>(mapped);
        try {
            for (Vma v : vmas.values()) {
                Vma cv = new Vma(v.start, v.end, v.prot, v.shared, v.fileOffset, v.name);
                // A private VMA that cannot be written now is shared too, copied only once it is
                // made writable, discarded or grown (VmaOps.unshare): fork copied a program's
                // text and read-only data with everything else (~350 µs of a static program's
                // ~1.7 ms fork+exit+wait here; megabytes of libraries for a dynamic one).
                if (v.shared || (v.prot & Mman.PROT_WRITE) == 0) {
                    if (v.share == null) v.share = new Share(v.fileOffset, v.end - v.start);
                    cv.share = v.share;
                    v.share.users++;
                } else {
                    cv.fileOffset = file.allocate(v.end - v.start);
                    c.vmas.put(cv.start, cv); // before the copy: released with the rest if it fails
                    file.copyPopulated(v.fileOffset, cv.fileOffset, v.end - v.start);
                }
                c.vmas.put(cv.start, cv);
            }
        } catch (RuntimeException e) {
            c.releaseAll();
            throw e;
        }
        return c;
    }

    /**
     * Gives back every VMA's memory (at exit, and for the image an exec replaces). The address
     * space, if any, is the caller's to clear or close.
     */
    public void releaseAll() {
        List<long[]> ranges = new ArrayList<>();
        for (Vma v : vmas.values()) {
            if (v.share == null) {
                ranges.add(new long[] {v.fileOffset, MemoryFile.roundUp(v.end - v.start)});
            } else if (--v.share.users == 0) {
                ranges.add(new long[] {v.share.offset, MemoryFile.roundUp(v.share.length)});
            }
        }
        vmas.clear();
        // One hole punched per run of neighbouring ranges: the copies fork made of a process's
        // data, RELRO and bss lie one after the other (a static child's exit: 5 punches became 2).
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long start = -1, end = -1;
        for (long[] r : ranges) {
            if (r[0] != end) {
                if (start >= 0) file.release(start, end - start);
                start = r[0];
            }
            end = r[0] + r[1];
        }
        if (start >= 0) file.release(start, end - start);
    }

    /** Removes everything this manager mapped into its address space (before exec attaches another). */
    public void unmapAll() {
        if (as != null && !mapped.isEmpty()) as.unmap(minAddr, maxAddr - minAddr);
        mapped.clear();
        tracking.clear();
    }

    // ---- the syscalls' operations (validation as Linux does it, then VmaOps)

    /** Implements mmap(2)'s memory side; {@code source} is null for anonymous mappings. */
    public long mmap(long addr, long len, int prot, int flags, MappingSource source, long offset) {
        return ops().mmap(addr, len, prot, flags, source, offset, -1L);
    }

    /** As {@link #mmap(long, long, int, int, MappingSource, long)}, ENOMEM past {@code asLimit} bytes mapped (RLIMIT_AS; -1 for none). */
    public long mmap(long addr, long len, int prot, int flags, MappingSource source, long offset, long asLimit) {
        return ops().mmap(addr, len, prot, flags, source, offset, asLimit);
    }

    public void munmap(long addr, long len) {
        ops().munmap(addr, len);
    }

    public void mprotect(long addr, long len, int prot) {
        ops().mprotect(addr, len, prot);
    }

    public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
        return mremap(oldAddr, oldLen, newLen, flags, newAddr, -1L);
    }

    /** As {@link #mremap(long, long, long, int, long)}, ENOMEM if growing passes {@code asLimit} (RLIMIT_AS). */
    public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr, long asLimit) {
        return ops().mremap(oldAddr, oldLen, newLen, flags, newAddr, asLimit);
    }

    public void madvise(long addr, long len, int advice) {
        ops().madvise(addr, len, advice);
    }

    /** Implements brk(2): returns the new break, or the old one if it cannot move. */
    public long brk(long newBrk) {
        return brk(newBrk, -1L);
    }

    /** As {@link #brk(long)}; the break does not move past {@code asLimit} bytes mapped (RLIMIT_AS). */
    public long brk(long newBrk, long asLimit) {
        return ops().brk(newBrk, asLimit);
    }

    /** Names the VMA that starts at {@code start} ("[stack]", "[heap]"), as /proc/PID/maps shows it. */
    public void nameVma(long start, String name) {
        Vma v = vmas.get(start);
        if (v != null) v.name = name;
    }

    /**
     * Null if the VMAs are consistent (inside the user range, ordered, not overlapping, each
     * backed by an allocated range of the memory file), else what is wrong: a restore refuses an
     * image whose memory map is not.
     */
    public String checkConsistent() {
        long lastEnd = minAddr;
        for (Map.Entry<Long, Vma> e : vmas.entrySet()) {
            Vma v = e.getValue();
            if (v == null || e.getKey() != v.start || v.start < lastEnd || v.end <= v.start || v.end > maxAddr
                    || !aligned(v.start) || !aligned(v.end) || (v.prot & ~7) != 0) {
                return "memory map entry at 0x" + Long.toHexString(e.getKey()) + " is invalid";
            }
            if (!file.isAllocated(v.fileOffset, v.end - v.start)) {
                return "memory map entry at 0x" + Long.toHexString(v.start) + " points outside the memory file";
            }
            lastEnd = v.end;
        }
        if (brkStart < minAddr || brk < brkStart || brkStart > maxAddr || mmapBase > maxAddr || mmapBase < minAddr) {
            return "program break or mmap base out of range";
        }
        return null;
    }

    /** The VMA containing {@code addr}, or null. */
    public Vma vmaAt(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        return e == null || e.getValue().end <= addr ? null : e.getValue();
    }

    // ---- faults

    /** What a fault maps while the memory file is still loading (a MemoryLoader piece). */
    private static final long FAULT_WINDOW = 2L << 20;

    /**
     * Serves a fault at {@code addr} by mapping the VMA that holds it into the address space.
     * Returns false if the fault is the application's: no VMA, no access, or the page was
     * already mapped (so the access itself violated its protection).
     */
    public boolean handleFault(long addr) {
        return handleFault(addr, false);
    }

    /**
     * As {@link #handleFault(long)}, for a fault the host found at an address it had no mapping
     * for ({@code unmappedOnHost}, its SEGV_MAPERR): if the page is mapped now, another thread
     * of the address space mapped it between that fault and this call, and the access simply
     * runs again.
     */
    public boolean handleFault(long addr, boolean unmappedOnHost) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e == null || addr >= e.getValue().end) return false;
        Vma v = e.getValue();
        if (v.prot == 0) return false;
        // The first write to a granule held read-only while the file tracks writes.
        if ((v.prot & Mman.PROT_WRITE) != 0 && tracking.writeFault(this, v, addr)) return true;
        if (isMapped(addr)) return unmappedOnHost;
        // Map the holes of the VMA in the mirror: all of them, or, while a restored memory file
        // is still being filled, only the window around the fault, so that touching a big VMA
        // waits for the pieces it touches rather than for the whole of it.
        long lo = v.start, hi = v.end;
        if (file.loading()) {
            lo = Math.max(v.start, addr & -FAULT_WINDOW);
            hi = Math.min(v.end, (addr & -FAULT_WINDOW) + FAULT_WINDOW);
        }
        long pos = lo;
        while (pos < hi) {
            Map.Entry<Long, Long> m = mapped.floorEntry(pos);
            if (m != null && m.getValue() > pos) {
                pos = m.getValue();
                continue;
            }
            Map.Entry<Long, Long> next = mapped.ceilingEntry(pos);
            long holeEnd = next == null ? hi : Math.min(hi, next.getKey());
            // A restored file may still be loading: the stub must not see the range before it holds its data.
            file.ensureLoaded(v.fileOffset + (pos - v.start), holeEnd - pos);
            as.map(pos, holeEnd - pos, v.prot, v.fileOffset + (pos - v.start));
            markMapped(pos, holeEnd);
            if ((v.prot & Mman.PROT_WRITE) != 0) tracking.protectUnwritten(this, pos, holeEnd);
            pos = holeEnd;
        }
        return true;
    }

    /**
     * Whether a protection fault at {@code addr}, which {@link #handleFault} did not serve, may be
     * stale: the page lies in writable memory that another thread's first write made writable
     * again (the write tracking) after this fault was taken. Kernel lock held.
     */
    public boolean releasedByTracking(long addr) {
        Vma v = vmaAt(addr);
        return v != null && (v.prot & Mman.PROT_WRITE) != 0 && isMapped(addr) && tracking.released(addr);
    }

    boolean isMapped(long addr) {
        return Ranges.contains(mapped, addr);
    }

    void markMapped(long start, long end) {
        Ranges.add(mapped, start, end);
    }

    /** Removes [start, end) from the address space and the mirror. */
    void unmapFromAddressSpace(long start, long end) {
        if (!Ranges.overlaps(mapped, start, end)) return;
        as.unmap(start, end - start);
        tracking.cut(start, end);
        Ranges.cut(mapped, start, end);
    }

    /** Applies a protection change to the parts of [start, end) that are in the address space. */
    void protectInAddressSpace(long start, long end, int prot) {
        Map.Entry<Long, Long> m = mapped.floorEntry(start);
        long pos = start;
        if (m == null || m.getValue() <= start) {
            m = mapped.ceilingEntry(start);
        }
        while (m != null && m.getKey() < end) {
            long s = Math.max(pos, m.getKey()), e = Math.min(end, m.getValue());
            if (e > s) as.protect(s, e - s, prot);
            m = mapped.higherEntry(m.getKey());
        }
        // What the tracking held read-only has this protection now; writable again, it is held anew.
        tracking.cut(start, end);
        if ((prot & Mman.PROT_WRITE) != 0) tracking.protectUnwritten(this, start, end);
    }

    /**
     * At the task loop's boundary, before application code runs (on a thread that owns a
     * context of the address space): re-protects for the write tracking after a checkpoint
     * restarted it. Kernel lock held.
     */
    public void armWriteTracking() {
        if (as != null) tracking.arm(this);
    }

    // ---- copy-in / copy-out

    public Usermem usermem() {
        if (usermem == null) usermem = new Usermem(this);
        return usermem;
    }

    private VmaOps ops() {
        if (ops == null) ops = new VmaOps(this);
        return ops;
    }

    // ---- helpers

    static long pageUp(long v) {
        return (v + PAGE - 1) & ~(PAGE - 1);
    }

    static boolean aligned(long v) {
        return (v & (PAGE - 1)) == 0;
    }

    static SyscallError err(int errno) {
        return SyscallError.of(errno);
    }

    static final int E_FAULT = EFAULT, E_INVAL = EINVAL, E_NOMEM = ENOMEM;
}
