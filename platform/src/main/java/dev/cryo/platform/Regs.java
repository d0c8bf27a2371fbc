package dev.cryo.platform;

/**
 * Indices of the general registers in a {@code long[]}, in the order of the kernel's
 * {@code struct user_regs_struct} (arch/x86/include/asm/user_64.h), so the array is copied to
 * and from PTRACE_GETREGS as it is.
 */
public final class Regs {
    private Regs() {}

    public static final int R15 = 0, R14 = 1, R13 = 2, R12 = 3, RBP = 4, RBX = 5, R11 = 6, R10 = 7,
            R9 = 8, R8 = 9, RAX = 10, RCX = 11, RDX = 12, RSI = 13, RDI = 14, ORIG_RAX = 15,
            RIP = 16, CS = 17, EFLAGS = 18, RSP = 19, SS = 20, FS_BASE = 21, GS_BASE = 22,
            DS = 23, ES = 24, FS = 25, GS = 26;

    /** Number of registers. */
    public static final int COUNT = 27;

    /** The registers that carry syscall arguments 0..5, in order. */
    public static final int[] SYSCALL_ARGS = {RDI, RSI, RDX, R10, R8, R9};

    /** User code and stack segment selectors on x86-64 Linux. */
    public static final long USER_CS = 0x33, USER_DS = 0x2b;

    /** A fresh thread's registers: zero, user segments, interrupts enabled (IF). */
    public static long[] initial(long rip, long rsp) {
        long[] r = new long[COUNT];
        r[RIP] = rip;
        r[RSP] = rsp;
        r[CS] = USER_CS;
        r[SS] = USER_DS;
        r[EFLAGS] = 0x202;
        r[ORIG_RAX] = -1;
        return r;
    }
}
