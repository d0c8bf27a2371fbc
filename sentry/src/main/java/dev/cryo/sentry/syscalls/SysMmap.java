package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Mman.MAP_ANONYMOUS;
import static dev.cryo.sentry.abi.Mman.MAP_PRIVATE;
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
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.vfs.FileDescription;

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

    /** Implements Linux mmap(2). */
    static long mmap(Task t) {
        long addr = t.arg(0), len = t.arg(1), offset = t.arg(5);
        int prot = t.intArg(2), flags = t.intArg(3), fd = t.intArg(4);
        MappingSource source = null;
        if ((flags & MAP_ANONYMOUS) == 0) {
            FileDescription f = t.fds().getIo(fd); // EBADF, also for O_PATH descriptors
            if (!f.readable()) throw SyscallError.of(EACCES);
            if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) != 0 && !f.writable()) {
                throw SyscallError.of(EACCES);
            }
            source = f.mappable();
        }
        return t.mm().mmap(addr, len, prot, flags, source, source == null ? 0 : offset);
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
        return t.mm().mremap(t.arg(0), t.arg(1), t.arg(2), t.intArg(3), t.arg(4));
    }

    /** Implements Linux madvise(2). */
    static long madvise(Task t) {
        t.mm().madvise(t.arg(0), t.arg(1), t.intArg(2));
        return 0;
    }

    /** Implements Linux brk(2): never fails, returns the (possibly unchanged) break. */
    static long brk(Task t) {
        return t.mm().brk(t.arg(0));
    }

    /** Implements Linux msync(2): memory is the file here, so there is nothing to write back. */
    static long msync(Task t) {
        long addr = t.arg(0), len = t.arg(1);
        int flags = t.intArg(2);
        final int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
        if ((addr & 4095) != 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) != 0
                || (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC)) {
            throw SyscallError.of(dev.cryo.sentry.abi.Errno.EINVAL);
        }
        requireMapped(t, addr, len);
        return 0;
    }

    /** Implements Linux mlock(2) and munlock(2): all memory is resident in the memory file. */
    static long mlock(Task t) {
        long addr = t.arg(0) & ~4095L, len = t.arg(1) + (t.arg(0) & 4095);
        requireMapped(t, addr, len);
        return 0;
    }

    /** Implements Linux mincore(2), reporting every mapped page resident. */
    static long mincore(Task t) {
        long addr = t.arg(0), len = t.arg(1), vec = t.arg(2);
        if ((addr & 4095) != 0) throw SyscallError.of(dev.cryo.sentry.abi.Errno.EINVAL);
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
        if (end < addr) throw SyscallError.of(dev.cryo.sentry.abi.Errno.ENOMEM);
        for (long a = addr; a < end; ) {
            var v = t.mm().vmaAt(a);
            if (v == null) throw SyscallError.of(dev.cryo.sentry.abi.Errno.ENOMEM);
            a = v.end();
        }
    }
}
