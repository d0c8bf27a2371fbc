package dev.cryo.sentry.mm;

import static dev.cryo.sentry.abi.Mman.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.memory.MemoryFile;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryManagerTest {
    private static final long MIN = 0x10000, MAX = 0x7ff0_0000_0000L, PAGE = 4096;
    private MemoryFile file;
    private MemoryManager mm;
    private FakeAddressSpace as;

    @BeforeEach
    void setUp() {
        file = new MemoryFile(1L << 32);
        mm = new MemoryManager(file, MIN, MAX);
        as = new FakeAddressSpace();
        mm.attach(as);
        mm.setMmapBase(0x7f00_0000_0000L);
    }

    @AfterEach
    void tearDown() {
        file.close();
    }

    private static int errno(Runnable r) {
        return assertThrows(SyscallError.class, r::run).errno();
    }

    private long anon(long len, int prot) {
        return mm.mmap(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, null, 0);
    }

    @Test
    void mmapPlacesTopDownAndRejectsBadArguments() {
        long a = anon(PAGE, PROT_READ);
        long b = anon(PAGE, PROT_READ);
        assertEquals(0x7f00_0000_0000L - PAGE, a);
        assertEquals(a - PAGE, b);
        assertEquals(Errno.EINVAL, errno(() -> anon(0, PROT_READ)));
        assertEquals(Errno.EINVAL, errno(() -> mm.mmap(0, PAGE, 1, MAP_ANONYMOUS, null, 0)));
        assertEquals(Errno.EINVAL, errno(() -> mm.mmap(0x12345, PAGE, 1, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, null, 0)));
        assertEquals(Errno.ENOMEM, errno(() -> anon(-1L, PROT_READ)));
        assertEquals(Errno.EEXIST, errno(() -> mm.mmap(a, PAGE, 1, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, null, 0)));
        assertEquals(Errno.EPERM, errno(() -> mm.mmap(0x1000, PAGE, 1, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, null, 0)));
        assertEquals(Errno.EINVAL, errno(() -> mm.mmap(0, PAGE, 1, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, null, 0)));
    }

    @Test
    void memoryIsZeroAndCopiesRoundTripWithEfaultOutsideMappings() {
        long a = anon(3 * PAGE, PROT_READ | PROT_WRITE);
        Usermem mem = mm.usermem();
        assertArrayEquals(new byte[100], mem.read(a + 10, 100));
        byte[] data = "hello, sandbox".getBytes();
        mem.write(a + PAGE - 4, data); // crosses a page
        assertArrayEquals(data, mem.read(a + PAGE - 4, data.length));
        assertEquals(Errno.EFAULT, errno(() -> mem.read(a + 3 * PAGE - 2, 4)));
        assertEquals(Errno.EFAULT, errno(() -> mem.read(0, 1)));
        assertEquals(Errno.EFAULT, errno(() -> mem.read(-8, 8)));
        long ro = anon(PAGE, PROT_READ);
        assertEquals(Errno.EFAULT, errno(() -> mem.write(ro, data)));
        mem.writeLong(a + 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, mem.readLong(a + 8));
    }

    @Test
    void readCStringStopsAtNulAndReportsTooLong() {
        long a = anon(PAGE, PROT_READ | PROT_WRITE);
        mm.usermem().write(a, "/etc/passwd\0junk".getBytes());
        assertEquals("/etc/passwd", mm.usermem().readString(a, 4096));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> mm.usermem().readString(a, 5)));
        long end = a + PAGE - 3;
        mm.usermem().write(end, new byte[] {'a', 'b', 'c'});
        assertEquals(Errno.EFAULT, errno(() -> mm.usermem().readString(end, 4096)));
    }

    @Test
    void faultsMapTheWholeVmaOnceAndRefuseProtectionFaults() {
        long a = anon(4 * PAGE, PROT_READ | PROT_WRITE);
        assertTrue(mm.handleFault(a + PAGE + 5));
        assertEquals(1, as.calls.size());
        assertTrue(as.calls.get(0).startsWith(String.format("map %x+%x 3", a, 4 * PAGE)));
        assertFalse(mm.handleFault(a + 2 * PAGE), "already mapped: an access violation");
        assertFalse(mm.handleFault(a + 8 * PAGE), "no VMA");
        long none = anon(PAGE, PROT_NONE);
        assertFalse(mm.handleFault(none));
    }

    @Test
    void munmapSplitsVmasAndReleasesMemory() {
        long a = anon(4 * PAGE, PROT_READ | PROT_WRITE);
        mm.handleFault(a);
        long used = file.usage();
        mm.munmap(a + PAGE, PAGE);
        assertEquals(used - PAGE, file.usage());
        assertEquals(2, mm.vmas().size());
        assertTrue(as.calls.contains(String.format("unmap %x+%x", a + PAGE, PAGE)));
        assertEquals(Errno.EFAULT, errno(() -> mm.usermem().read(a + PAGE, 1)));
        mm.usermem().read(a + 2 * PAGE, 1);
        assertEquals(Errno.EINVAL, errno(() -> mm.munmap(a + 1, PAGE)));
        assertEquals(Errno.EINVAL, errno(() -> mm.munmap(a, 0)));
        mm.munmap(0x20000, PAGE); // nothing there: fine
        assertEquals(Errno.EINVAL, errno(() -> mm.munmap(-PAGE, PAGE)));
        assertEquals(Errno.EINVAL, errno(() -> mm.munmap(0x7ffffffff000L - PAGE, 2 * PAGE)));
    }

    @Test
    void mprotectChangesOnlyTheRangeAndNeedsItMapped() {
        long a = anon(3 * PAGE, PROT_READ | PROT_WRITE);
        mm.handleFault(a);
        mm.mprotect(a + PAGE, PAGE, PROT_READ);
        assertEquals(3, mm.vmas().size());
        assertTrue(as.calls.contains(String.format("protect %x+%x 1", a + PAGE, PAGE)));
        assertEquals(Errno.EFAULT, errno(() -> mm.usermem().write(a + PAGE, new byte[1])));
        mm.usermem().write(a + 2 * PAGE, new byte[1]);
        assertEquals(Errno.ENOMEM, errno(() -> mm.mprotect(a, 8 * PAGE, PROT_READ)));
        assertEquals(Errno.EINVAL, errno(() -> mm.mprotect(a, PAGE, 0x80)));
        assertEquals(Errno.EINVAL, errno(() -> mm.mprotect(a + 3, PAGE, PROT_READ)));
    }

    @Test
    void mremapGrowsInPlaceOrMovesKeepingContents() {
        long a = anon(2 * PAGE, PROT_READ | PROT_WRITE);
        mm.usermem().write(a + 100, "keep me".getBytes());
        long b = mm.mremap(a, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0);
        assertArrayEquals("keep me".getBytes(), mm.usermem().read(b + 100, 7));
        assertArrayEquals(new byte[16], mm.usermem().read(b + 7 * PAGE, 16));
        // Block growth in place, forcing a move.
        long blocker = mm.mmap(b + 8 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, null, 0);
        assertEquals(Errno.ENOMEM, errno(() -> mm.mremap(b, 8 * PAGE, 16 * PAGE, 0, 0)));
        long c = mm.mremap(b, 8 * PAGE, 16 * PAGE, MREMAP_MAYMOVE, 0);
        assertNotEquals(b, c);
        assertArrayEquals("keep me".getBytes(), mm.usermem().read(c + 100, 7));
        assertEquals(Errno.EFAULT, errno(() -> mm.usermem().read(b, 1)));
        long d = mm.mremap(c, 16 * PAGE, PAGE, 0, 0);
        assertEquals(c, d);
        assertEquals(Errno.EFAULT, errno(() -> mm.usermem().read(c + PAGE, 1)));
        assertEquals(Errno.EFAULT, errno(() -> mm.mremap(0x30000, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0)));
        assertEquals(Errno.EINVAL, errno(() -> mm.mremap(c, PAGE, 2 * PAGE, MREMAP_FIXED, blocker)));
        assertEquals(Errno.EINVAL, errno(() -> mm.mremap(c, PAGE, 0, MREMAP_MAYMOVE, 0)));
    }

    @Test
    void madviseDontneedZeroesPrivateMemory() {
        long a = anon(2 * PAGE, PROT_READ | PROT_WRITE);
        mm.usermem().write(a + 10, new byte[] {1, 2, 3});
        mm.madvise(a, PAGE, MADV_DONTNEED);
        assertArrayEquals(new byte[3], mm.usermem().read(a + 10, 3));
        assertEquals(Errno.EINVAL, errno(() -> mm.madvise(a, PAGE, 999)));
        assertEquals(Errno.ENOMEM, errno(() -> mm.madvise(0x40000, PAGE, MADV_NORMAL)));
    }

    @Test
    void brkGrowsShrinksAndRefusesToOverlap() {
        mm.setBrkStart(0x400000 - 0xd60);
        assertEquals(0x400000, mm.brk(0), "page aligned, as binfmt_elf leaves it");
        assertEquals(0x400000 + 0x10, mm.brk(0x400000 + 0x10));
        assertEquals(0x400000, mm.brk(0x400000));
        assertEquals(0x400000 + 3 * PAGE + 1, mm.brk(0x400000 + 3 * PAGE + 1));
        mm.usermem().write(0x400000 + 3 * PAGE, new byte[] {9});
        assertEquals(0x400000 + PAGE, mm.brk(0x400000 + PAGE));
        assertEquals(Errno.EFAULT, errno(() -> mm.usermem().read(0x400000 + 2 * PAGE, 1)));
        mm.mmap(0x400000 + 4 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, null, 0);
        assertEquals(0x400000 + PAGE, mm.brk(0x400000 + 10 * PAGE), "blocked: break unchanged");
        assertEquals(0x400000 + PAGE, mm.brk(0x1000), "below the start: unchanged");
    }

    /** While a restored memory file is still loading, a fault maps only the 2 MiB around it; once loaded, whole VMAs. */
    @Test
    void aFaultDuringTheLoadMapsOnlyItsWindow() throws Exception {
        long len = 16L << 20;
        long a = anon(len, PROT_READ | PROT_WRITE);
        long fileOff = mm.vmaAt(a).fileOffset;
        java.nio.file.Path img = java.nio.file.Files.createTempFile("pages", ".img");
        try {
            java.nio.file.Files.write(img, new byte[(int) len]);
            int in = dev.cryo.platform.host.Host.openat(-100, img.toString(), 02000000, 0);
            dev.cryo.sentry.memory.MemoryLoader l = dev.cryo.sentry.memory.MemoryLoader.ofPageFile(img.toString(), in,
                    file.fd(), new long[] {fileOff}, new long[] {len}, new long[] {0});
            file.startLoading(l);
            long fault = a + (5L << 20) + 123;
            if (file.loading()) {
                assertTrue(mm.handleFault(fault));
                long window = fault & -(2L << 20);
                assertEquals(List.of(String.format("map %x+%x 3 @%x", window, 2L << 20, fileOff + (window - a))), as.calls);
                as.calls.clear();
            }
            file.awaitLoaded();
            assertTrue(mm.handleFault(a));
            assertTrue(as.calls.size() >= 1 && as.calls.size() <= 2, as.calls.toString()); // the holes around a mapped window
            assertFalse(mm.handleFault(a + len - 1), "all of the VMA is mapped now");
        } finally {
            java.nio.file.Files.deleteIfExists(img);
        }
    }
    @Test
    void forkSharesPrivateMemoryThatCannotBeWrittenAndCopiesItWhenItMayBe() {
        Usermem mem = mm.usermem();
        long text = anon(4 * PAGE, PROT_READ | PROT_WRITE);
        mem.write(text + 100, "code".getBytes());
        mm.mprotect(text, 4 * PAGE, PROT_READ | PROT_EXEC);
        long data = anon(PAGE, PROT_READ | PROT_WRITE);
        mem.write(data, "data".getBytes());

        MemoryManager child = mm.fork();
        assertEquals(mm.vmaAt(text).fileOffset, child.vmaAt(text).fileOffset, "read-only pages are shared");
        assertTrue(mm.vmaAt(data).fileOffset != child.vmaAt(data).fileOffset, "writable pages are copied");

        // The child makes part of it writable: that part gets its own copy, the parent keeps its pages.
        child.mprotect(text + PAGE, PAGE, PROT_READ | PROT_WRITE);
        assertTrue(child.vmaAt(text + PAGE).fileOffset != mm.vmaAt(text).fileOffset + PAGE);
        assertEquals(mm.vmaAt(text).fileOffset, child.vmaAt(text).fileOffset, "the rest stays shared");
        child.usermem().write(text + PAGE, "mine".getBytes());
        assertArrayEquals(new byte[4], mem.read(text + PAGE, 4), "the parent does not see the child's write");
        assertArrayEquals("code".getBytes(), child.usermem().read(text + 100, 4));

        // Discarding shared pages in one process leaves the other's alone.
        child.madvise(text, PAGE, MADV_DONTNEED);
        assertArrayEquals(new byte[4], child.usermem().read(text + 100, 4));
        assertArrayEquals("code".getBytes(), mem.read(text + 100, 4));

        // The last user releases the range; the parent's pages live on until then.
        child.releaseAll();
        assertArrayEquals("code".getBytes(), mem.read(text + 100, 4));
        mm.mprotect(text, 4 * PAGE, PROT_READ | PROT_WRITE); // the only user now: no copy needed
        mem.write(text + 100, "edit".getBytes());
        assertArrayEquals("edit".getBytes(), mem.read(text + 100, 4));
    }

    /**
     * A forked child maps what its parent had mapped, in one request, with its own VMAs' file
     * offsets (its copies of writable memory, the shared pages of the rest), neighbours that
     * continue each other in the file as one range; nothing the parent never touched, and
     * nothing a second time.
     */
    @Test
    void aForkedChildMapsWhatItsParentHadMappedInOneGo() {
        long text = anon(2 * PAGE, PROT_READ | PROT_EXEC);
        long data = anon(2 * PAGE, PROT_READ | PROT_WRITE);
        long bss = anon(PAGE, PROT_READ | PROT_WRITE); // just below data, its own VMA in the parent
        long untouched = anon(PAGE, PROT_READ | PROT_WRITE);
        long guard = anon(PAGE, PROT_NONE);
        assertEquals(data - PAGE, bss);
        assertNotEquals(mm.vmaAt(bss).start, mm.vmaAt(data).start, "two VMAs: not one in the file");
        assertTrue(mm.handleFault(text));
        assertTrue(mm.handleFault(data));
        assertTrue(mm.handleFault(bss));
        assertFalse(mm.handleFault(guard));

        long usage = file.usage();
        MemoryManager child = mm.fork();
        FakeAddressSpace cas = new FakeAddressSpace();
        child.attach(cas);
        child.mapInherited();
        assertEquals(1, cas.batches, "one request");
        // The child's copies of bss and data were made one after the other: one range.
        assertEquals(child.vmaAt(bss).fileOffset + PAGE, child.vmaAt(data).fileOffset);
        assertEquals(List.of(
                String.format("map %x+%x 3 @%x", bss, 3 * PAGE, child.vmaAt(bss).fileOffset),
                String.format("map %x+%x 5 @%x", text, 2 * PAGE, mm.vmaAt(text).fileOffset)), cas.calls);
        assertNotEquals(mm.vmaAt(data).fileOffset, child.vmaAt(data).fileOffset);
        assertTrue(child.isMapped(text) && child.isMapped(bss) && child.isMapped(data + PAGE));
        assertFalse(child.isMapped(untouched), "the parent never touched it");
        assertTrue(child.handleFault(untouched));
        child.mapInherited();
        assertEquals(3, cas.calls.size(), "inherited once: " + cas.calls);
        child.usermem().write(bss, "child".getBytes());
        child.releaseAll();
        assertEquals(usage, file.usage(), "the child's copies are given back, its neighbouring ones at once");
        long again = anon(3 * PAGE, PROT_READ | PROT_WRITE);
        assertArrayEquals(new byte[5], mm.usermem().read(again, 5), "given back as zero");
        assertArrayEquals(new byte[5], mm.usermem().read(bss, 5), "the parent's own copy untouched");
    }

    /**
     * Write tracking: once a checkpoint restarts it, the task loop makes writable mappings
     * read-only; the first write fault in a granule records it and makes that granule (only)
     * writable; the Sentry's own writes are recorded; the next restart hands over what was
     * written and protects everything again; stopping gives the mappings their protection back.
     */
    @Test
    void writeTrackingHoldsUnwrittenGranulesReadOnlyUntilTheirFirstWrite() {
        long g = MemoryFile.GRANULE;
        long data = anon(4 * g, PROT_READ | PROT_WRITE);
        long text = anon(g, PROT_READ | PROT_EXEC);
        assertTrue(mm.handleFault(data));
        assertTrue(mm.handleFault(text));
        long off = mm.vmaAt(data).fileOffset;
        assertEquals(0, off % g, "a fresh allocation starts on a granule");
        mm.armWriteTracking();
        as.calls.clear();
        assertEquals(null, file.restartTracking(), "not tracking before: everything counts as written");
        mm.armWriteTracking();
        assertEquals(List.of(String.format("protect %x+%x 1", data, 4 * g)), as.calls, "writable memory only");
        mm.armWriteTracking();
        assertEquals(1, as.calls.size(), "once per restart");

        as.calls.clear();
        assertTrue(mm.handleFault(data + g + 100), "a write fault in a held granule is the tracking's");
        assertEquals(List.of(String.format("protect %x+%x 3", data + g, g)), as.calls, "that granule made writable");
        assertFalse(file.unwritten(off + g, 1));
        assertTrue(file.unwritten(off, g) && file.unwritten(off + 2 * g, 2 * g));
        assertFalse(mm.handleFault(data + g + 200), "writable already: a real protection fault");
        mm.usermem().write(data + 3 * g + 8, "sentry".getBytes());
        assertFalse(file.unwritten(off + 3 * g, 1), "the Sentry's writes count");

        java.util.BitSet written = file.restartTracking();
        assertTrue(MemoryFile.anyWritten(written, off + g, 1) && MemoryFile.anyWritten(written, off + 3 * g, 1));
        assertFalse(MemoryFile.anyWritten(written, off, g) || MemoryFile.anyWritten(written, off + 2 * g, g));
        as.calls.clear();
        mm.armWriteTracking();
        assertEquals(List.of(String.format("protect %x+%x 1", data, 4 * g)), as.calls, "all unwritten again");

        // mprotect and munmap keep what is held in step.
        as.calls.clear();
        mm.mprotect(data, g, PROT_READ);
        mm.mprotect(data, g, PROT_READ | PROT_WRITE);
        assertEquals(List.of(String.format("protect %x+%x 1", data, g), String.format("protect %x+%x 3", data, g),
                String.format("protect %x+%x 1", data, g)), as.calls, "made writable: held again");
        mm.munmap(data + 3 * g, g);
        as.calls.clear();
        file.stopTracking();
        mm.armWriteTracking();
        assertEquals(List.of(String.format("protect %x+%x 3", data, g), String.format("protect %x+%x 3", data + g, 2 * g)),
                as.calls, "given back (VMA by VMA: mprotect split them), the unmapped part not");
        assertTrue(mm.handleFault(data + 4 * g - 1) == false, "unmapped now");
    }
}
