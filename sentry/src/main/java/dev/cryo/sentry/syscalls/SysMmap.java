package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENOMEM;
import static dev.cryo.sentry.abi.Errno.EOVERFLOW;
import static dev.cryo.sentry.abi.Mman.MAP_ANONYMOUS;
import static dev.cryo.sentry.abi.Mman.MAP_PRIVATE;
import static dev.cryo.sentry.abi.Mman.MAP_SHARED;
import static dev.cryo.sentry.abi.Mman.MAP_SHARED_VALIDATE;
import static dev.cryo.sentry.abi.Mman.MAP_TYPE;
import static dev.cryo.sentry.abi.Mman.PROT_WRITE;
import static dev.cryo.sentry.syscalls.Arg.FD;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.MAP_FLAGS;
import static dev.cryo.sentry.syscalls.Arg.PROT;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Stat;

/** The mmap family and brk. Argument checks are in {@link dev.cryo.sentry.mm.MemoryManager}. */
final class SysMmap {
    private SysMmap() {}

    static void register(SyscallTable t) {
        t.partial(Sysno.MMAP, "file mappings are private copies: MAP_SHARED writes do not reach the file",
                SysMmap::mmap, HEX, SIZE, PROT, MAP_FLAGS, FD, Arg.LONG);
        t.supported(Sysno.MUNMAP, SysMmap::munmap, HEX, SIZE);
        t.supported(Sysno.MPROTECT, SysMmap::mprotect, HEX, SIZE, PROT);
        t.partial(Sysno.MREMAP, "old_size 0 (duplicating a shared mapping) is refused with EINVAL",
                SysMmap::mremap, HEX, SIZE, SIZE, INT, HEX);
        t.supported(Sysno.MADVISE, SysMmap::madvise, HEX, SIZE, INT);
        t.supportedHex(Sysno.BRK, SysMmap::brk, HEX);
        t.supported(Sysno.MSYNC, SysMmap::msync, HEX, SIZE, INT);
        t.supported(Sysno.MLOCK, SysMmap::mlock, HEX, SIZE);
        t.supported(Sysno.MUNLOCK, SysMmap::mlock, HEX, SIZE);
        t.supported(Sysno.MINCORE, SysMmap::mincore, HEX, SIZE, HEX);
    }

    /** The largest file offset a mapping may reach (MAX_LFS_FILESIZE). */
    private static final long MAX_LFS_FILESIZE = Long.MAX_VALUE;

    /**
     * Implements Linux mmap(2), with its checks in Linux's order (sys_mmap, ksys_mmap_pgoff,
     * do_mmap): offset alignment, the descriptor, the length, the offset range, then access.
     */
    static long mmap(Task t) {
        long addr = t.arg(0), len = t.arg(1), offset = t.arg(5);
        int prot = t.intArg(2), flags = t.intArg(3), fd = t.intArg(4);
        if ((offset & 4095) != 0) throw SyscallError.of(EINVAL);
        if ((flags & MAP_ANONYMOUS) != 0) {
            return t.mm().mmap(addr, len, prot, flags, null, 0, asLimit(t));
        }
        FileDescription f = t.fds().getIo(fd); // EBADF, also for O_PATH descriptors
        if (len == 0) throw SyscallError.of(EINVAL);
        if (Long.compareUnsigned(len, -4096L) > 0) throw SyscallError.of(ENOMEM);
        long size = (len + 4095) & ~4095L;
        long pgoff = offset >>> 12;
        if (Long.compareUnsigned(pgoff + (size >>> 12), pgoff) < 0) throw SyscallError.of(EOVERFLOW);
        // file_mmap_ok: regular files end at MAX_LFS_FILESIZE, other files at ULONG_MAX.
        long maxsize = Stat.isRegular(f.stat()) ? MAX_LFS_FILESIZE : -1L;
        if (Long.compareUnsigned(size, maxsize) > 0
                || Long.compareUnsigned(pgoff, (maxsize - size) >>> 12) > 0) {
            throw SyscallError.of(EOVERFLOW);
        }
        int type = flags & MAP_TYPE;
        if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) throw SyscallError.of(EINVAL);
        if (!f.readable()) throw SyscallError.of(EACCES);
        if (type != MAP_PRIVATE && (prot & PROT_WRITE) != 0 && !f.writable()) throw SyscallError.of(EACCES);
        return t.mm().mmap(addr, len, prot, flags, f.mappable(), offset, asLimit(t));
    }

    /** Implements Linux munmap(2). */
    static long munmap(Task t) {
        t.mm().munmap(t.arg(0), t.arg(1));
        return 0;
    }

    /** Implements Linux mprotect(2). */
    static long mprotect(Task t) {
        t.mm().mprotect(t.arg(0), t.arg(1), t.intArg(2));
        return 0;
    }

    /** Implements Linux mremap(2). */
    static long mremap(Task t) {
        return t.mm().mremap(t.arg(0), t.arg(1), t.arg(2), t.intArg(3), t.arg(4), asLimit(t));
    }

    /** Implements Linux madvise(2). */
    static long madvise(Task t) {
        t.mm().madvise(t.arg(0), t.arg(1), t.intArg(2));
        return 0;
    }

    /** Implements Linux brk(2): never fails, returns the (possibly unchanged) break. */
    static long brk(Task t) {
        return t.mm().brk(t.arg(0), asLimit(t));
    }

    /** RLIMIT_AS's soft limit: how many bytes the process may have mapped. */
    private static long asLimit(Task t) {
        return t.limits().soft(dev.cryo.sentry.kernel.Limits.AS);
    }

    /** Implements Linux msync(2): memory is the file here, so there is nothing to write back. */
    static long msync(Task t) {
        long addr = t.arg(0), len = t.arg(1);
        int flags = t.intArg(2);
        final int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
        if ((addr & 4095) != 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) != 0
                || (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC)) {
            throw SyscallError.of(EINVAL);
        }
        requireMapped(t, addr, len);
        return 0;
    }

    /** Implements Linux mlock(2) and munlock(2): all memory is resident in the memory file. */
    static long mlock(Task t) {
        // As mm/mlock.c: the length is page-aligned first (it may wrap to 0: nothing to do),
        // then a range that wraps around the address space is EINVAL, not ENOMEM.
        long addr = t.arg(0) & ~4095L, len = (t.arg(1) + (t.arg(0) & 4095) + 4095) & ~4095L;
        if (Long.compareUnsigned(addr + len, addr) < 0) throw SyscallError.of(EINVAL);
        if (len == 0) return 0;
        requireMapped(t, addr, len);
        return 0;
    }

    /** Implements Linux mincore(2), reporting every mapped page resident. */
    static long mincore(Task t) {
        long addr = t.arg(0), len = t.arg(1), vec = t.arg(2);
        if ((addr & 4095) != 0) throw SyscallError.of(EINVAL);
        long pages = (len + 4095) >>> 12;
        requireMapped(t, addr, pages << 12);
        byte[] ones = new byte[(int) Math.min(pages, 1 << 20)];
        java.util.Arrays.fill(ones, (byte) 1);
        for (long done = 0; done < pages; done += ones.length) {
            int n = (int) Math.min(ones.length, pages - done);
            t.mm().usermem().write(vec + done, ones, 0, n);
        }
        return 0;
    }

    /** ENOMEM unless every page of [addr, addr+len) is mapped. */
    private static void requireMapped(Task t, long addr, long len) {
        long end = addr + ((len + 4095) & ~4095L);
        if (end < addr) throw SyscallError.of(ENOMEM);
        for (long a = addr; a < end; ) {
            var v = t.mm().vmaAt(a);
            if (v == null) throw SyscallError.of(ENOMEM);
            a = v.end();
        }
    }
}
