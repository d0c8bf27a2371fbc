package dev.cryo.sentry.loader;

import static dev.cryo.sentry.abi.Errno.ENOEXEC;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.mm.MemoryManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF64 file the loader needs (elf(5)), checked as binfmt_elf checks them: any
 * inconsistency is ENOEXEC, never an exception from the parser.
 */
final class ElfHeader {
    static final int ET_EXEC = 2, ET_DYN = 3;
    static final int PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6;
    static final int PHENT_SIZE = 56;
    private static final int MAX_PHDRS_BYTES = 65536;
    private static final int PATH_MAX = 4096;
    /** Highest address a segment may end at (x86-64 TASK_SIZE). */
    private static final long TASK_SIZE = 0x7ffffffff000L;

    record Segment(long offset, long vaddr, long filesz, long memsz, int flags) {
        int prot() {
            int p = 0;
            if ((flags & 4) != 0) p |= 1; // PF_R -> PROT_READ
            if ((flags & 2) != 0) p |= 2; // PF_W -> PROT_WRITE
            if ((flags & 1) != 0) p |= 4; // PF_X -> PROT_EXEC
            return p;
        }
    }

    int type;
    long entry;
    long phoff;
    int phnum;
    long phdrVaddr = -1;
    String interp;
    final List<Segment> loads = new ArrayList<>();

    static ElfHeader read(MappingSource file) {
        ElfHeader h = new ElfHeader();
        ByteBuffer b = readAt(file, 0, 64);
        if (b.get(0) != 0x7f || b.get(1) != 'E' || b.get(2) != 'L' || b.get(3) != 'F') throw noexec();
        if (b.get(4) != 2 || b.get(5) != 1 || b.get(6) != 1) throw noexec(); // ELFCLASS64, LSB, EV_CURRENT
        h.type = b.getShort(16);
        if (h.type != ET_EXEC && h.type != ET_DYN) throw noexec();
        if (b.getShort(18) != 62) throw noexec(); // EM_X86_64
        h.entry = b.getLong(24);
        h.phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        h.phnum = b.getShort(56) & 0xffff;
        if (phentsize != PHENT_SIZE || h.phnum < 1 || (long) h.phnum * PHENT_SIZE > MAX_PHDRS_BYTES) throw noexec();
        if (h.phoff < 0 || h.phoff + (long) h.phnum * PHENT_SIZE < h.phoff) throw noexec();
        ByteBuffer ph = readAt(file, h.phoff, h.phnum * PHENT_SIZE);
        long lastEnd = Long.MIN_VALUE;
        for (int i = 0; i < h.phnum; i++) {
            int o = i * PHENT_SIZE;
            int ptype = ph.getInt(o);
            int flags = ph.getInt(o + 4);
            long offset = ph.getLong(o + 8), vaddr = ph.getLong(o + 16);
            long filesz = ph.getLong(o + 32), memsz = ph.getLong(o + 40), align = ph.getLong(o + 48);
            switch (ptype) {
                case PT_LOAD -> {
                    if (filesz < 0 || memsz < 0 || filesz > memsz || offset < 0 || vaddr < 0) throw noexec();
                    if (offset + filesz < offset || vaddr + memsz < vaddr || vaddr + memsz > TASK_SIZE) throw noexec();
                    if (((vaddr - offset) & (MemoryManager.PAGE - 1)) != 0) throw noexec();
                    if (align != 0 && (align & (align - 1)) != 0) throw noexec();
                    if (vaddr < lastEnd) throw noexec(); // PT_LOADs must ascend (elf(5))
                    lastEnd = vaddr + memsz;
                    h.loads.add(new Segment(offset, vaddr, filesz, memsz, flags));
                }
                case PT_INTERP -> {
                    if (filesz < 2 || filesz > PATH_MAX || offset < 0) throw noexec();
                    ByteBuffer s = readAt(file, offset, (int) filesz);
                    if (s.get((int) filesz - 1) != 0) throw noexec();
                    byte[] path = new byte[(int) filesz - 1];
                    s.get(0, path);
                    h.interp = new String(path, StandardCharsets.UTF_8);
                    if (h.interp.indexOf('\0') >= 0) throw noexec();
                }
                case PT_PHDR -> h.phdrVaddr = vaddr;
                default -> { }
            }
        }
        if (h.loads.isEmpty()) throw noexec();
        if (h.phdrVaddr < 0) {
            for (Segment s : h.loads) {
                if (h.phoff >= s.offset && h.phoff < s.offset + s.filesz) {
                    h.phdrVaddr = s.vaddr + (h.phoff - s.offset);
                }
            }
            if (h.phdrVaddr < 0) h.phdrVaddr = 0;
        }
        return h;
    }

    long minVaddr() {
        return loads.get(0).vaddr & ~(MemoryManager.PAGE - 1);
    }

    long maxVaddrEnd() {
        Segment last = loads.get(loads.size() - 1);
        return ElfLoader.pageUp(last.vaddr + last.memsz);
    }

    long phdrVaddr() {
        return phdrVaddr;
    }

    /** Reads exactly {@code len} bytes at {@code offset}; ENOEXEC if the file is shorter. */
    private static ByteBuffer readAt(MappingSource file, long offset, int len) {
        long buf = Host.allocate(Math.max(len, 1));
        try {
            long done = 0;
            while (done < len) {
                long n = file.readInto(buf + done, len - done, offset + done);
                if (n <= 0) throw noexec();
                done += n;
            }
            byte[] out = new byte[len];
            Host.getBytes(buf, out, 0, len);
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        } finally {
            Host.free(buf);
        }
    }

    private static SyscallError noexec() {
        return SyscallError.of(ENOEXEC);
    }
}
