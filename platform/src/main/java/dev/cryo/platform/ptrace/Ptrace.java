package dev.cryo.platform.ptrace;

/** ptrace(2) and wait(2) numbers (include/uapi/linux/ptrace.h, x86-64). */
final class Ptrace {
    private Ptrace() {}

    static final int CONT = 7;
    static final int KILL = 8;
    static final int DETACH = 17;
    static final int GETREGS = 12;
    static final int SETREGS = 13;
    static final int SYSEMU = 31;
    static final int SETOPTIONS = 0x4200;
    static final int GETSIGINFO = 0x4202;
    static final int GETREGSET = 0x4204;
    static final int SETREGSET = 0x4205;
    static final int SEIZE = 0x4206;
    static final int INTERRUPT = 0x4207;

    static final int O_TRACESYSGOOD = 1;
    static final int O_EXITKILL = 0x100000;

    static final int EVENT_STOP = 128;

    /** elf.h NT_X86_XSTATE: the regset holding the XSAVE area. */
    static final int NT_X86_XSTATE = 0x202;

    static final int WALL = 0x40000000;

    static final int SIGTRAP = 5, SIGKILL = 9, SIGSTOP = 19;

    static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    static boolean stopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    static int stopSignal(int status) {
        return (status >> 8) & 0xff;
    }

    static int event(int status) {
        return status >>> 16;
    }

    static String describe(int status) {
        if (exited(status)) return "exited with status " + ((status >> 8) & 0xff);
        if (stopped(status)) return "stopped by signal " + stopSignal(status) + " event " + event(status);
        return "killed by signal " + (status & 0x7f);
    }
}
