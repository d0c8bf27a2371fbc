package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;

/**
 * One queued signal's siginfo_t, kept as the 128 bytes the program will read (x86-64 layout,
 * include/uapi/asm-generic/siginfo.h): si_signo at 0, si_errno at 4, si_code at 8, the union
 * from 16. Kept raw so that what rt_sigqueueinfo(2) passes in comes out unchanged, as on Linux.
 */
@Savable
public final class SigInfo {
    public static final int SIZE = 128;
    /** si_code values (asm-generic/siginfo.h). */
    public static final int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_TKILL = -6;

    final byte[] raw;

    private SigInfo(byte[] raw) {
        this.raw = raw;
    }

    private static SigInfo of(int sig, int code) {
        SigInfo i = new SigInfo(new byte[SIZE]);
        i.putInt(0, sig);
        i.putInt(8, code);
        return i;
    }

    /** kill(2), tkill(2), tgkill(2): the sender's pid and real uid (SI_USER or SI_TKILL). */
    public static SigInfo user(int sig, int code, int pid, int uid) {
        SigInfo i = of(sig, code);
        i.putInt(16, pid);
        i.putInt(20, uid);
        return i;
    }

    /** A signal the kernel raises itself (SI_KERNEL): default actions, forced SIGSEGV. */
    public static SigInfo kernel(int sig) {
        return of(sig, SI_KERNEL);
    }

    /** A CPU fault: si_addr at 16 (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP). */
    public static SigInfo fault(int sig, int code, long addr) {
        SigInfo i = of(sig, code);
        i.putLong(16, addr);
        return i;
    }

    /** A POSIX timer's expiry (SI_TIMER): timer id, overrun, sigval. */
    public static SigInfo timer(int sig, int timerId, int overrun, long value) {
        SigInfo i = of(sig, SI_TIMER);
        i.putInt(16, timerId);
        i.putInt(20, overrun);
        i.putLong(24, value);
        return i;
    }

    /** SIGCHLD's si_code values. */
    public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5,
            CLD_CONTINUED = 6;

    /**
     * SIGCHLD for a child that exited, was killed, stopped or continued: its pid and uid, the
     * exit code or signal in si_status, its user and system time in clock ticks.
     */
    public static SigInfo child(int code, int pid, int uid, int status, long utimeTicks, long stimeTicks) {
        SigInfo i = of(17, code);
        i.putInt(16, pid);
        i.putInt(20, uid);
        i.putInt(24, status);
        i.putLong(32, utimeTicks);
        i.putLong(40, stimeTicks);
        return i;
    }

    /** A siginfo copied from the program (rt_sigqueueinfo): its bytes, with si_signo set to {@code sig}. */
    public static SigInfo fromUser(int sig, byte[] bytes) {
        SigInfo i = new SigInfo(java.util.Arrays.copyOf(bytes, SIZE));
        i.putInt(0, sig);
        return i;
    }

    public int signo() {
        return getInt(0);
    }

    public int code() {
        return getInt(8);
    }

    /** The bytes to copy out to the program. */
    public byte[] bytes() {
        return raw.clone();
    }

    /** A copy with si_overrun (timers) set: the count as of dequeue, as posixtimer_rearm fills it. */
    SigInfo withOverrun(int overrun) {
        SigInfo i = new SigInfo(raw.clone());
        i.putInt(20, overrun);
        return i;
    }

    int getInt(int off) {
        return (raw[off] & 0xff) | (raw[off + 1] & 0xff) << 8 | (raw[off + 2] & 0xff) << 16 | (raw[off + 3] & 0xff) << 24;
    }

    long getLong(int off) {
        return (getInt(off) & 0xffff_ffffL) | (long) getInt(off + 4) << 32;
    }

    private void putInt(int off, int v) {
        for (int k = 0; k < 4; k++) raw[off + k] = (byte) (v >>> (8 * k));
    }

    private void putLong(int off, long v) {
        putInt(off, (int) v);
        putInt(off + 4, (int) (v >>> 32));
    }
}
