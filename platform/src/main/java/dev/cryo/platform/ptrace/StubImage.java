package dev.cryo.platform.ptrace;

import dev.cryo.platform.host.StaticElf;

/**
 * The stub process's program: a {@link StaticElf}, its code written here byte by byte rather
 * than compiled, so Cryo needs no compiler at run time. It holds a spin loop where a stub thread waits
 * to be seized, {@code syscall; int3} which the tracer uses to make the stub run a system call
 * (map, unmap, protect) on the Sentry's behalf, and a clone site: {@code syscall; test rax, rax;
 * jz spin; int3}, after which the new thread spins, untraced, until its own tracer seizes it,
 * while the old one traps as after any injected call; and a batch loop that makes several calls
 * listed in a table page in one stop (a forked child's mappings: one stop instead of one each).
 */
final class StubImage {
    /** Where the stub is loaded: below the host's stack randomisation window (16 GiB under the top). */
    static final long BASE = 0x7ff0_0000_0000L;
    static final long SIZE = 0x1000;
    private static final int CODE_OFFSET = StaticElf.CODE_OFFSET;
    static final long ENTRY = BASE + CODE_OFFSET;
    /** Address of {@code syscall; int3}. */
    static final long SYSCALL_INSN = ENTRY + 2;
    /** After {@code syscall; int3} the tracee stops with SIGTRAP and RIP here. */
    static final long AFTER_INT3 = SYSCALL_INSN + 3;
    /** Address of the clone site's {@code syscall}. */
    static final long CLONE_INSN = SYSCALL_INSN + 3;
    /** Where the parent of a clone stops (after the clone site's {@code int3}). */
    static final long AFTER_CLONE_INT3 = CLONE_INSN + 8;
    /** The batch loop (see {@link #bytes}): RBX = first entry, R12 = entries. */
    static final long BATCH = AFTER_CLONE_INT3;
    /** Where the batch loop traps, done or at the first entry whose result was not the expected one. */
    static final long AFTER_BATCH_INT3 = BATCH + 0x32;
    /**
     * A read-only page of the stub's, above the application's range, where the tracer writes a
     * batch's entries through /proc/PID/mem: 8 words each (number, six arguments, expected
     * result). Read-only, so that application threads running beside a batch cannot change it.
     */
    static final long TABLE = BASE + SIZE;
    static final int TABLE_ENTRIES = 64;
    static final int ENTRY_SIZE = 64;

    private static String path;

    private StubImage() {}

    static byte[] bytes() {
        byte[] code = {
            (byte) 0xEB, (byte) 0xFE, // spin: jmp spin
            0x0F, 0x05, // syscall
            (byte) 0xCC, // int3
            0x0F, 0x05, // clone site: syscall
            0x48, (byte) 0x85, (byte) 0xC0, // test rax, rax
            0x74, (byte) 0xF4, // jz spin (-12: from the next instruction back to the start)
            (byte) 0xCC, // int3
            // batch: one system call per entry, stopping early at a result not the expected one
            0x4D, (byte) 0x85, (byte) 0xE4, // test r12, r12
            0x74, 0x2C, // jz done
            0x48, (byte) 0x8B, 0x03, // mov rax, [rbx]
            0x48, (byte) 0x8B, 0x7B, 0x08, // mov rdi, [rbx+8]
            0x48, (byte) 0x8B, 0x73, 0x10, // mov rsi, [rbx+16]
            0x48, (byte) 0x8B, 0x53, 0x18, // mov rdx, [rbx+24]
            0x4C, (byte) 0x8B, 0x53, 0x20, // mov r10, [rbx+32]
            0x4C, (byte) 0x8B, 0x43, 0x28, // mov r8, [rbx+40]
            0x4C, (byte) 0x8B, 0x4B, 0x30, // mov r9, [rbx+48]
            0x0F, 0x05, // syscall
            0x48, 0x3B, 0x43, 0x38, // cmp rax, [rbx+56]
            0x75, 0x09, // jne done
            0x48, (byte) 0x83, (byte) 0xC3, 0x40, // add rbx, 64
            0x49, (byte) 0xFF, (byte) 0xCC, // dec r12
            (byte) 0xEB, (byte) 0xCF, // jmp batch
            (byte) 0xCC // done: int3
        };
        return StaticElf.image(BASE, code);
    }

    /** A path the host can exec. Made once per JVM; the memfd stays open for its lifetime. */
    static synchronized String path() {
        if (path == null) path = StaticElf.sealedPath("cryo-stub", bytes());
        return path;
    }
}
