package dev.cryo.sentry.loader;

import static dev.cryo.sentry.abi.Errno.E2BIG;
import static dev.cryo.sentry.abi.Errno.ENOEXEC;
import static dev.cryo.sentry.abi.Mman.MAP_ANONYMOUS;
import static dev.cryo.sentry.abi.Mman.MAP_FIXED;
import static dev.cryo.sentry.abi.Mman.MAP_PRIVATE;
import static dev.cryo.sentry.abi.Mman.PROT_NONE;
import static dev.cryo.sentry.abi.Mman.PROT_READ;
import static dev.cryo.sentry.abi.Mman.PROT_WRITE;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.mm.MemoryManager;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Loads an ELF executable into a fresh memory manager and builds its initial stack, as Linux's
 * fs/binfmt_elf.c: ET_EXEC at its addresses, ET_DYN (static-PIE) at ELF_ET_DYN_BASE, and an
 * interpreter (PT_INTERP) where the program names one. Bad images fail with ENOEXEC.
 */
public final class ElfLoader {
    private ElfLoader() {}

    /** ELF_ET_DYN_BASE on x86-64 (2/3 of TASK_SIZE, page aligned), where PIE programs go. */
    static final long ET_DYN_BASE = 0x555555554000L;
    static final long STACK_SIZE = 8L << 20;
    /** Linux's gap between stack and mmap area (mm/util.c MIN_GAP). */
    static final long MMAP_GAP = 128L << 20;
    /** Bytes of argv+envp strings allowed (MAX_ARG_STRLEN-style cap: a quarter of the stack). */
    static final long ARG_MAX = STACK_SIZE / 4;

    /** The ids placed in the auxiliary vector. */
    public record Identity(int uid, int euid, int gid, int egid) {
        public static Identity of(int uid, int euid, int gid, int egid) {
            return new Identity(uid, euid, gid, egid);
        }
    }

    /** Loads a program that needs no interpreter or opens none. */
    public static LoadedImage load(MemoryManager mm, MappingSource file, String execfn,
            List<String> argv, List<String> envp, Identity id) {
        return load(mm, file, execfn, argv, envp, id, p -> {
            throw SyscallError.of(ENOEXEC);
        });
    }

    /** Loads {@code file}; {@code opener} opens the interpreter a dynamic program names. */
    public static LoadedImage load(MemoryManager mm, MappingSource file, String execfn,
            List<String> argv, List<String> envp, Identity id, Function<String, MappingSource> opener) {
        long argBytes = 0;
        for (String s : argv) argBytes += s.getBytes(StandardCharsets.UTF_8).length + 1;
        for (String s : envp) argBytes += s.getBytes(StandardCharsets.UTF_8).length + 1;
        if (argBytes > ARG_MAX) throw SyscallError.of(E2BIG);

        ElfHeader main = ElfHeader.read(file);
        long stackTop = mm.maxAddress() - MemoryManager.PAGE;
        long stackBottom = stackTop - STACK_SIZE;
        mm.setMmapBase(stackBottom - MMAP_GAP);

        long bias = main.type == ElfHeader.ET_DYN ? ET_DYN_BASE - main.minVaddr() : 0;
        long end = mapSegments(mm, file, main, bias);
        mm.setBrkStart(end);

        long entry = main.entry + bias;
        long interpBase = 0;
        if (main.interp != null) {
            MappingSource interpFile = opener.apply(main.interp);
            ElfHeader interp = ElfHeader.read(interpFile);
            if (interp.interp != null || interp.type != ElfHeader.ET_DYN) throw SyscallError.of(ENOEXEC);
            long span = interp.maxVaddrEnd() - interp.minVaddr();
            long base = mm.mmap(0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, null, 0);
            interpBase = base - interp.minVaddr();
            mapSegments(mm, interpFile, interp, interpBase);
            entry = interp.entry + interpBase;
        }

        mm.mmap(stackBottom, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, null, 0);
        mm.nameVma(stackBottom, "[stack]");

        long phdr = main.phdrVaddr() + bias;
        long[] aux = {
            Auxv.AT_HWCAP, Auxv.HOST[0],
            Auxv.AT_PAGESZ, MemoryManager.PAGE,
            Auxv.AT_CLKTCK, 100,
            Auxv.AT_PHDR, phdr,
            Auxv.AT_PHENT, ElfHeader.PHENT_SIZE,
            Auxv.AT_PHNUM, main.phnum,
            Auxv.AT_BASE, interpBase,
            Auxv.AT_FLAGS, 0,
            Auxv.AT_ENTRY, main.entry + bias,
            Auxv.AT_UID, id.uid(),
            Auxv.AT_EUID, id.euid(),
            Auxv.AT_GID, id.gid(),
            Auxv.AT_EGID, id.egid(),
            Auxv.AT_SECURE, 0,
            Auxv.AT_RANDOM, -1, // filled in by StackBuilder
            Auxv.AT_HWCAP2, Auxv.HOST[1],
            Auxv.AT_EXECFN, -1,
            Auxv.AT_PLATFORM, -1,
            Auxv.AT_MINSIGSTKSZ, Auxv.HOST[2],
        };
        byte[] random = Host.random(16); // not SecureRandom: its providers cost ~8 ms of start-up
        long[] argEnv = new long[4];
        long sp = StackBuilder.build(mm.usermem(), stackTop, argv, envp, execfn, aux, random, argEnv);
        mm.setArgEnv(argEnv[0], argEnv[1], argEnv[2], argEnv[3]);
        return new LoadedImage(entry, sp);
    }

    /** Maps each PT_LOAD of {@code elf} at {@code bias}; returns the end of the highest one. */
    private static long mapSegments(MemoryManager mm, MappingSource file, ElfHeader elf, long bias) {
        long end = 0;
        for (ElfHeader.Segment s : elf.loads) {
            long vaddr = s.vaddr() + bias;
            long pageStart = vaddr & ~(MemoryManager.PAGE - 1);
            long fileStart = s.offset() - (vaddr - pageStart);
            long fileEnd = vaddr + s.filesz();
            long memEnd = vaddr + s.memsz();
            int prot = s.prot();
            if (s.filesz() > 0) {
                long len = pageUp(fileEnd) - pageStart;
                mm.mmap(pageStart, len, prot, MAP_PRIVATE | MAP_FIXED, new Window(file, s.offset() + s.filesz()), fileStart);
            }
            long anonStart = s.filesz() > 0 ? pageUp(fileEnd) : pageStart;
            if (pageUp(memEnd) > anonStart) {
                mm.mmap(anonStart, pageUp(memEnd) - anonStart, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, null, 0);
            }
            end = Math.max(end, memEnd);
        }
        return end;
    }

    /**
     * The file cut at the end of a segment's file bytes: the rest of the last page is the start
     * of .bss and must read as zero, as binfmt_elf's padzero() makes it.
     */
    private record Window(MappingSource file, long limit) implements MappingSource {
        @Override
        public long readInto(long hostAddress, long len, long offset) {
            if (offset >= limit) return 0;
            return file.readInto(hostAddress, Math.min(len, limit - offset), offset);
        }

        @Override
        public String name() {
            return file.name();
        }
    }

    static long pageUp(long v) {
        return (v + MemoryManager.PAGE - 1) & ~(MemoryManager.PAGE - 1);
    }
}
