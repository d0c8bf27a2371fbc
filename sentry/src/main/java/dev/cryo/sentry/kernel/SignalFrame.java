package dev.cryo.sentry.kernel;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.abi.Signals;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The x86-64 signal frame (arch/x86/kernel/signal_64.c): {@code struct rt_sigframe} — return
 * address (the sa_restorer), ucontext (flags, link, the alternate stack, the sigcontext with
 * every general register, the mask to restore) and siginfo — below it the XSAVE area the
 * sigcontext's fpstate points at, as copy_fpstate_to_sigframe lays it out: 64-byte aligned,
 * its software-reserved bytes saying how big it is, FP_XSTATE_MAGIC2 after it. libc's
 * handlers and rt_sigreturn(2) rely on this layout.
 */
final class SignalFrame {
    private SignalFrame() {}

    static final int UC_OFF = 8, UC_STACK = UC_OFF + 16, MCONTEXT = UC_OFF + 40, UC_SIGMASK = MCONTEXT + 256,
            INFO_OFF = UC_SIGMASK + 8, FRAME_SIZE = INFO_OFF + SigInfo.SIZE;
    static final long UC_FP_XSTATE = 1, UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
    static final int FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2 = 0x46505845;
    /** Where the XSAVE area keeps fpx_sw_bytes (fxregs_state.sw_reserved) and its header. */
    static final int SW_BYTES = 464, XSAVE_HEADER = 512, LEGACY_SIZE = 512;
    /** The sigcontext's general registers in order, as {@link Regs} indices. */
    private static final int[] SC_REGS = {Regs.R8, Regs.R9, Regs.R10, Regs.R11, Regs.R12, Regs.R13, Regs.R14,
            Regs.R15, Regs.RDI, Regs.RSI, Regs.RBP, Regs.RBX, Regs.RDX, Regs.RAX, Regs.RCX, Regs.RSP, Regs.RIP};
    /** Flags sigreturn takes from the frame (FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF). */
    static final long FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;
    /** Flags cleared on entry to a handler: DF, RF, TF. */
    static final long HANDLER_CLEARS = 0x400 | 0x10000 | 0x100;
    private static final long RED_ZONE = 128;

    /**
     * Builds the frame for a handler of {@code info.signo()} and points the registers at the
     * handler, as __setup_rt_frame does. {@code oldMask} is the mask sigreturn will restore.
     * Returns false if the frame cannot be written (the caller forces SIGSEGV, as Linux does).
     */
    static boolean setup(Task t, SigInfo info, SignalAction a, long oldMask) {
        long[] regs = t.regs;
        TaskSignals ts = t.signals;
        // x86-64 has no kernel-provided return path: a handler without SA_RESTORER cannot return.
        if ((a.flags & Signals.SA_RESTORER) == 0) return false;
        long sp = regs[Regs.RSP] - RED_ZONE;
        boolean nested = ts.onAltStack(regs[Regs.RSP]);
        boolean entering = false;
        if ((a.flags & Signals.SA_ONSTACK) != 0 && ts.altStackReportedFlags(sp) == 0) {
            sp = ts.altSp + ts.altSize;
            entering = true;
        }
        byte[] fp = t.context.fpState();
        int fpSize = fp.length + 4;
        long bufFx = (sp - fpSize) & ~63L;
        long frame = ((bufFx - FRAME_SIZE) & ~15L) - 8;
        if ((nested || entering) && !ts.rawOnAltStack(frame)) return false; // overflowed the alternate stack
        ByteBuffer f = ByteBuffer.allocate(FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        f.putLong(0, a.restorer);
        f.putLong(UC_OFF, UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
        f.putLong(UC_OFF + 8, 0); // uc_link
        f.putLong(UC_STACK, ts.altSp);
        f.putInt(UC_STACK + 8, ts.altStackReportedFlags(regs[Regs.RSP]));
        f.putLong(UC_STACK + 16, ts.altSize);
        for (int i = 0; i < SC_REGS.length; i++) f.putLong(MCONTEXT + 8 * i, regs[SC_REGS[i]]);
        f.putLong(MCONTEXT + 136, regs[Regs.EFLAGS]);
        f.putShort(MCONTEXT + 144, (short) regs[Regs.CS]);
        f.putShort(MCONTEXT + 150, (short) regs[Regs.SS]); // gs and fs stay 0, as Linux writes them
        f.putLong(MCONTEXT + 152, ts.errorCode);
        f.putLong(MCONTEXT + 160, ts.trapNo);
        f.putLong(MCONTEXT + 168, oldMask);
        f.putLong(MCONTEXT + 176, ts.cr2);
        f.putLong(MCONTEXT + 184, bufFx);
        f.putLong(UC_SIGMASK, oldMask);
        if ((a.flags & Signals.SA_SIGINFO) != 0) f.put(INFO_OFF, info.raw, 0, SigInfo.SIZE);
        byte[] area = withSwBytes(fp);
        Usermem mem = t.mm.usermem();
        try {
            mem.write(bufFx, area);
            mem.writeInt(bufFx + fp.length, FP_XSTATE_MAGIC2);
            mem.write(frame, f.array());
        } catch (SyscallError e) {
            return false;
        }
        // SS_AUTODISARM: the handler runs with the alternate stack disabled; sigreturn brings it back.
        if ((ts.altFlags & Signals.SS_AUTODISARM) != 0) {
            ts.altSp = 0;
            ts.altSize = 0;
            ts.altFlags = Signals.SS_DISABLE;
        }
        regs[Regs.RDI] = info.signo();
        regs[Regs.RAX] = 0;
        regs[Regs.RSI] = frame + INFO_OFF;
        regs[Regs.RDX] = frame + UC_OFF;
        regs[Regs.RIP] = a.handler;
        regs[Regs.RSP] = frame;
        regs[Regs.CS] = Regs.USER_CS;
        regs[Regs.SS] = Regs.USER_DS;
        regs[Regs.EFLAGS] &= ~HANDLER_CLEARS;
        t.context.setFpState(initialFp(fp)); // the handler starts with clean FP state (fpu__clear_user_states)
        return true;
    }

    /** The XSAVE area with fpx_sw_bytes filled in: magic1, extended size, features, size. */
    private static byte[] withSwBytes(byte[] fp) {
        byte[] a = fp.clone();
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        long features = b.getInt(SW_BYTES) == FP_XSTATE_MAGIC1 && b.getLong(SW_BYTES + 8) != 0
                ? b.getLong(SW_BYTES + 8) : (fp.length > XSAVE_HEADER ? b.getLong(XSAVE_HEADER) | 3 : 3);
        b.putInt(SW_BYTES, FP_XSTATE_MAGIC1);
        b.putInt(SW_BYTES + 4, fp.length + 4);
        b.putLong(SW_BYTES + 8, features);
        b.putInt(SW_BYTES + 16, fp.length);
        return a;
    }

    /** Linux's init FP state in the layout of {@code fp}: every component at its reset value. */
    static byte[] initialFp(byte[] fp) {
        byte[] a = new byte[fp.length];
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer src = ByteBuffer.wrap(fp).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0x37f); // FCW
        b.putInt(24, 0x1f80);          // MXCSR
        if (fp.length >= 32) b.putInt(28, src.getInt(28)); // MXCSR_MASK, as the CPU reports it
        if (fp.length >= LEGACY_SIZE) System.arraycopy(fp, SW_BYTES, a, SW_BYTES, LEGACY_SIZE - SW_BYTES);
        return a; // XSTATE_BV = 0 in the header: every extended component in its init state
    }

    /**
     * rt_sigreturn(2): restores what {@link #setup} saved — registers (flags through
     * FIX_EFLAGS, segments made user ones), mask, alternate stack and FP state — from the frame
     * under the stack pointer. Returns false on a bad frame (the caller forces SIGSEGV).
     */
    static boolean restore(Task t) {
        long[] regs = t.regs;
        long frame = regs[Regs.RSP] - 8;
        Usermem mem = t.mm.usermem();
        ByteBuffer f;
        try {
            f = ByteBuffer.wrap(mem.read(frame, INFO_OFF)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (SyscallError e) {
            return false;
        }
        long ucFlags = f.getLong(UC_OFF);
        long cs = (f.getShort(MCONTEXT + 144) & 0xffff) | 3;
        if (cs != Regs.USER_CS) return false; // a 32-bit or kernel segment: the return would fault
        long fpstate = f.getLong(MCONTEXT + 184);
        byte[] fp;
        try {
            fp = restoredFp(t, mem, fpstate);
        } catch (SyscallError e) {
            return false;
        }
        if (fp == null) return false;
        try {
            t.context.setFpState(fp);
        } catch (RuntimeException e) {
            return false; // the host refused it (reserved MXCSR bits, unknown features): a bad frame
        }
        synchronized (t.kernel.signalLock) {
            t.signals.mask = f.getLong(UC_SIGMASK) & ~TaskSignals.UNBLOCKABLE;
        }
        long flags = regs[Regs.EFLAGS];
        for (int i = 0; i < SC_REGS.length; i++) regs[SC_REGS[i]] = f.getLong(MCONTEXT + 8 * i);
        regs[Regs.EFLAGS] = (flags & ~FIX_EFLAGS) | (f.getLong(MCONTEXT + 136) & FIX_EFLAGS);
        regs[Regs.CS] = cs;
        // A 64-bit task always gets a usable stack segment back (force_valid_ss).
        regs[Regs.SS] = Regs.USER_DS;
        regs[Regs.ORIG_RAX] = -1; // no syscall to restart (restore_sigcontext)
        // restore_altstack: errors other than EFAULT are ignored.
        TaskSignals ts = t.signals;
        ts.setAltStack(f.getLong(UC_STACK), f.getInt(UC_STACK + 8), f.getLong(UC_STACK + 16), regs[Regs.RSP],
                Signals.MINSIGSTKSZ);
        return true;
    }

    /**
     * The FP state to load from the frame's fpstate pointer (fpu__restore_sig): init state for
     * NULL; the whole XSAVE area when its software bytes and magic2 check out, else just the
     * legacy FXSAVE part with the extended components reset. Null if it is malformed.
     */
    private static byte[] restoredFp(Task t, Usermem mem, long fpstate) {
        byte[] cur = t.context.fpState();
        if (fpstate == 0) return initialFp(cur);
        if ((fpstate & 63) != 0) return null; // must be 64-byte aligned for XRSTOR
        byte[] legacy = mem.read(fpstate, LEGACY_SIZE);
        ByteBuffer lb = ByteBuffer.wrap(legacy).order(ByteOrder.LITTLE_ENDIAN);
        byte[] out = cur.clone();
        boolean xstate = lb.getInt(SW_BYTES) == FP_XSTATE_MAGIC1;
        int size = lb.getInt(SW_BYTES + 16);
        long features = lb.getLong(SW_BYTES + 8);
        if (xstate && size > XSAVE_HEADER && size <= cur.length && lb.getInt(SW_BYTES + 4) == size + 4
                && mem.readInt(fpstate + size) == FP_XSTATE_MAGIC2) {
            byte[] user = mem.read(fpstate, size);
            System.arraycopy(user, 0, out, 0, size);
            ByteBuffer ob = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            ob.putLong(XSAVE_HEADER, ob.getLong(XSAVE_HEADER) & features);
            ob.putLong(XSAVE_HEADER + 8, 0); // XCOMP_BV: standard format
        } else {
            System.arraycopy(legacy, 0, out, 0, LEGACY_SIZE);
            if (out.length > XSAVE_HEADER + 16) {
                ByteBuffer ob = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
                ob.putLong(XSAVE_HEADER, 3); // x87 and SSE from the frame, the rest at reset
                ob.putLong(XSAVE_HEADER + 8, 0);
            }
        }
        return out;
    }
}
