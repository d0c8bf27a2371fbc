package dev.cryo.sentry.kernel;

import dev.cryo.sentry.abi.Signals;
import java.io.PrintStream;

/** --strace's line for a signal the task takes, in strace's words: {@code --- SIGUSR1 {si_signo=..., ...} ---}. */
final class SignalTrace {
    private SignalTrace() {}

    static void print(PrintStream out, SigInfo info) {
        if (out == null) return;
        out.println("--- " + Signals.name(info.signo()) + " {" + fields(info) + "} ---");
    }

    static String fields(SigInfo info) {
        int sig = info.signo(), code = info.code();
        StringBuilder sb = new StringBuilder("si_signo=").append(Signals.name(sig)).append(", si_code=");
        switch (code) {
            case SigInfo.SI_USER, SigInfo.SI_TKILL -> sb.append(code == 0 ? "SI_USER" : "SI_TKILL")
                    .append(", si_pid=").append(info.getInt(16)).append(", si_uid=").append(info.getInt(20));
            case SigInfo.SI_QUEUE -> sb.append("SI_QUEUE, si_pid=").append(info.getInt(16)).append(", si_uid=")
                    .append(info.getInt(20)).append(", si_int=").append(info.getInt(24))
                    .append(", si_ptr=0x").append(Long.toHexString(info.getLong(24)));
            case SigInfo.SI_TIMER -> sb.append("SI_TIMER, si_timerid=").append(info.getInt(16)).append(", si_overrun=")
                    .append(info.getInt(20)).append(", si_int=").append(info.getInt(24))
                    .append(", si_ptr=0x").append(Long.toHexString(info.getLong(24)));
            case SigInfo.SI_KERNEL -> sb.append("SI_KERNEL");
            default -> {
                if (code > 0 && (SignalQueue.SYNCHRONOUS & Signals.bit(sig)) != 0) {
                    sb.append(faultCode(sig, code)).append(", si_addr=0x").append(Long.toHexString(info.getLong(16)));
                } else if (sig == Signals.SIGCHLD && code > 0) {
                    sb.append(code).append(", si_pid=").append(info.getInt(16)).append(", si_uid=")
                            .append(info.getInt(20)).append(", si_status=").append(info.getInt(24));
                } else {
                    sb.append(code);
                }
            }
        }
        return sb.toString();
    }

    private static String faultCode(int sig, int code) {
        String[] names = switch (sig) {
            case Signals.SIGSEGV -> new String[] {"SEGV_MAPERR", "SEGV_ACCERR"};
            case Signals.SIGBUS -> new String[] {"BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"};
            case Signals.SIGFPE -> new String[] {"FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND",
                "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"};
            case Signals.SIGILL -> new String[] {"ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC",
                "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"};
            case Signals.SIGTRAP -> new String[] {"TRAP_BRKPT", "TRAP_TRACE"};
            default -> new String[0];
        };
        return code - 1 < names.length ? names[code - 1] : Integer.toString(code);
    }
}
