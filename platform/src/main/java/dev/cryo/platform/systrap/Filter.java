package dev.cryo.platform.systrap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The stub's seccomp filter: a system call from the stub's own code page is allowed if it is
 * one the stub makes (futex, rt_sigreturn, the Sentry's mmap/munmap/mprotect/clone/exit...);
 * every other call traps (SIGSYS), whatever its number, so that the Sentry serves it. The
 * application can jump into the stub's page, but then reaches only those calls, on its own
 * stub process; it sees no file, socket or process of the host through them.
 */
final class Filter {
    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, RET_K = 0x06;
    private static final int RET_TRAP = 0x00030000, RET_ALLOW = 0x7fff0000;
    static final int[] STUB_CALLS = {202 /* futex */, 15 /* rt_sigreturn */, 9 /* mmap */, 11 /* munmap */,
        10 /* mprotect */, 56 /* clone */, 60 /* exit */, 231 /* exit_group */, 110 /* getppid */,
        14 /* rt_sigprocmask */, 131 /* sigaltstack */, 24 /* sched_yield */};

    private Filter() {}

    /** The program's instructions (struct sock_filter, 8 bytes each). */
    static byte[] program(long pageBase, long pageSize) {
        if ((pageBase & 0xffffffffL) != 0 || pageSize > 0x7fffffffL) throw new IllegalArgumentException("stub page");
        int n = 7 + STUB_CALLS.length + 2;
        int trap = n - 2, allow = n - 1;
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        i = insn(b, i, LD_W_ABS, 0, 0, 4); // arch
        i = insn(b, i, JEQ_K, 0, trap - i - 1, AUDIT_ARCH_X86_64);
        i = insn(b, i, LD_W_ABS, 0, 0, 12); // instruction pointer, high half
        i = insn(b, i, JEQ_K, 0, trap - i - 1, (int) (pageBase >>> 32));
        i = insn(b, i, LD_W_ABS, 0, 0, 8); // low half
        i = insn(b, i, JGE_K, trap - i - 1, 0, (int) pageSize);
        i = insn(b, i, LD_W_ABS, 0, 0, 0); // nr
        for (int nr : STUB_CALLS) i = insn(b, i, JEQ_K, allow - i - 1, 0, nr);
        i = insn(b, i, RET_K, 0, 0, RET_TRAP);
        insn(b, i, RET_K, 0, 0, RET_ALLOW);
        return b.array();
    }

    private static int insn(ByteBuffer b, int i, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
        return i + 1;
    }
}
