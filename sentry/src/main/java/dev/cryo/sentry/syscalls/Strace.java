package dev.cryo.sentry.syscalls;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import java.io.PrintStream;

/** --strace output, one line per call in strace's style. */
final class Strace {
    private Strace() {}

    static void print(PrintStream out, Task t, long nr, SyscallTable.Entry e, long[] args, long r) {
        StringBuilder sb = new StringBuilder();
        sb.append(Sysno.name(nr)).append('(');
        for (int i = 0; i < 6; i++) {
            if (i > 0) sb.append(", ");
            sb.append("0x").append(Long.toHexString(args[i]));
        }
        sb.append(") = ");
        if (r < 0 && r > -4096) sb.append(-1).append(' ').append(Errno.name((int) -r));
        else sb.append(r);
        out.println(sb);
    }
}
