package dev.cryo.sentry.mm;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.ENAMETOOLONG;
import static dev.cryo.sentry.mm.MemoryManager.err;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.Mman;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Copy-in and copy-out of application memory, as Linux's copy_from_user/copy_to_user: through
 * the memory file's mapping in the Sentry, checked against the VMAs, EFAULT on any byte that is
 * not mapped with the needed access. A range is checked whole before anything is copied.
 */
public final class Usermem {
    /** The application's memory; null for a {@link #kernelBuffer}. */
    private final MemoryManager mm;
    /** A kernel buffer's Sentry address and length. */
    private final long base, size;

    Usermem(MemoryManager mm) {
        this.mm = mm;
        this.base = 0;
        this.size = 0;
    }

    private Usermem(long base, long size) {
        this.mm = null;
        this.base = base;
        this.size = size;
    }

    /**
     * Memory of the Sentry's own, [base, base+size), seen as application memory at addresses
     * [0, size): for a call that moves bytes from one file to another with no user buffer
     * between (sendfile), so that every file's read and write serve it as they are. Reads and
     * writes outside it are EFAULT; it has no VMAs, so neither forced writes nor strings.
     */
    public static Usermem kernelBuffer(long base, long size) {
        if (base == 0 || size < 0) throw new IllegalArgumentException("kernel buffer " + base + "+" + size);
        return new Usermem(base, size);
    }

    /**
     * Walks [addr, addr+len) as segments of Sentry memory. EFAULT if any part is unmapped or
     * lacks the access; returns the bytes the visitor handled (it may stop early).
     */
    public long visit(long addr, long len, boolean write, IoVisitor visitor) {
        if (len == 0) return 0;
        check(addr, len, write);
        if (mm == null) return visitor.visit(base + addr, len);
        long done = 0;
        long pos = addr;
        long end = addr + len;
        while (pos < end) {
            Vma v = mm.vmas.floorEntry(pos).getValue();
            long n = Math.min(end, v.end) - pos;
            long off = v.fileOffset + (pos - v.start);
            long host = write ? mm.file.addressForWrite(off, n) : mm.file.address(off, n);
            long r = visitor.visit(host, n);
            done += r;
            if (r < n) break;
            pos += n;
        }
        return done;
    }

    /** EFAULT unless [addr, addr+len) is mapped with the access. */
    public void check(long addr, long len, boolean write) {
        long end = addr + len;
        if (mm == null) {
            if (addr < 0 || len < 0 || end < addr || end > size) throw err(EFAULT);
            return;
        }
        if (addr < 0 || end < addr || end > mm.maxAddr) throw err(EFAULT);
        long pos = addr;
        while (pos < end) {
            Map.Entry<Long, Vma> e = mm.vmas.floorEntry(pos);
            if (e == null || e.getValue().end <= pos) throw err(EFAULT);
            int prot = e.getValue().prot;
            if (write ? (prot & Mman.PROT_WRITE) == 0 : prot == 0) throw err(EFAULT);
            pos = e.getValue().end;
        }
    }

    public void read(long addr, byte[] dst, int off, int len) {
        int[] at = {off};
        visit(addr, len, false, (host, n) -> {
            Host.getBytes(host, dst, at[0], (int) n);
            at[0] += (int) n;
            return n;
        });
    }

    public byte[] read(long addr, int len) {
        byte[] b = new byte[len];
        read(addr, b, 0, len);
        return b;
    }

    public void write(long addr, byte[] src, int off, int len) {
        int[] at = {off};
        visit(addr, len, true, (host, n) -> {
            Host.putBytes(host, src, at[0], (int) n);
            at[0] += (int) n;
            return n;
        });
    }

    public void write(long addr, byte[] src) {
        write(addr, src, 0, src.length);
    }

    /** Writes ignoring protection, as ptrace's POKE (FOLL_FORCE): for the loader. Still EFAULT if unmapped. */
    public void writeForce(long addr, byte[] src, int off, int len) {
        if (mm == null) throw err(EFAULT);
        long pos = addr, end = addr + len;
        while (pos < end) {
            Map.Entry<Long, Vma> e = mm.vmas.floorEntry(pos);
            if (e == null || e.getValue().end <= pos) throw err(EFAULT);
            Vma v = e.getValue();
            int n = (int) (Math.min(end, v.end) - pos);
            Host.putBytes(mm.file.addressForWrite(v.fileOffset + (pos - v.start), n), src, off + (int) (pos - addr), n);
            pos += n;
        }
    }

    /**
     * Reads the 16-bit word at {@code addr} ignoring protection, as ptrace's PEEK does; -1 if
     * either byte is unmapped. For the kernel's look at the instruction that trapped.
     */
    public int peekShort(long addr) {
        long a = hostAddress(addr), b = hostAddress(addr + 1);
        if (a == 0 || b == 0) return -1;
        return (Host.getByte(a) & 0xff) | (Host.getByte(b) & 0xff) << 8;
    }

    /** The Sentry address of one guest byte, or 0 if unmapped (no access check). */
    long hostAddress(long addr) {
        if (mm == null) return addr >= 0 && addr < size ? base + addr : 0;
        Map.Entry<Long, Vma> e = mm.vmas.floorEntry(addr);
        if (e == null || e.getValue().end <= addr) return 0;
        Vma v = e.getValue();
        return mm.file.address(v.fileOffset + (addr - v.start), 1);
    }

    public long readLong(long addr) {
        check(addr, 8, false);
        long h = hostAddress(addr);
        if (hostAddress(addr + 7) == h + 7) return Host.getLong(h); // within one VMA
        byte[] b = read(addr, 8);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public int readInt(long addr) {
        byte[] b = read(addr, 4);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }

    public void writeLong(long addr, long value) {
        byte[] b = new byte[8];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(value);
        write(addr, b, 0, 8);
    }

    public void writeInt(long addr, int value) {
        byte[] b = new byte[4];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(value);
        write(addr, b, 0, 4);
    }

    /**
     * Reads a NUL-terminated string of at most {@code max} bytes including the NUL, as
     * strncpy_from_user: ENAMETOOLONG if there is no NUL within {@code max}, EFAULT if it runs
     * into unmapped memory first.
     */
    public byte[] readCString(long addr, int max) {
        if (mm == null) throw err(EFAULT);
        byte[] buf = new byte[Math.min(max, 256)];
        int len = 0;
        long pos = addr;
        while (len < max) {
            Map.Entry<Long, Vma> e = pos < 0 ? null : mm.vmas.floorEntry(pos);
            if (e == null || e.getValue().end <= pos || e.getValue().prot == 0) throw err(EFAULT);
            Vma v = e.getValue();
            int n = (int) Math.min(Math.min(v.end - pos, max - len), 4096 - (pos & 4095));
            long host = mm.file.address(v.fileOffset + (pos - v.start), n);
            if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.min(max, Math.max(buf.length * 2, len + n)));
            Host.getBytes(host, buf, len, n);
            for (int i = len; i < len + n; i++) {
                if (buf[i] == 0) return java.util.Arrays.copyOf(buf, i);
            }
            len += n;
            pos += n;
        }
        throw err(ENAMETOOLONG);
    }

    public String readString(long addr, int max) {
        return new String(readCString(addr, max), StandardCharsets.UTF_8);
    }
}
