package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EPERM;
import static dev.cryo.sentry.syscalls.Arg.BUF_IN;
import static dev.cryo.sentry.syscalls.Arg.BUF_OUT;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The system's identity and state: uname, sysinfo, getrandom, sethostname (kernel/sys.c, drivers/char/random.c). */
final class SysInfo {
    private SysInfo() {}

    /** The release and version uname reports (see Kernel.RELEASE). */
    static final String RELEASE = dev.cryo.sentry.kernel.Kernel.RELEASE;
    static final String VERSION = dev.cryo.sentry.kernel.Kernel.VERSION;
    /** __NEW_UTS_LEN: the longest host or domain name. */
    static final int UTS_LEN = 64;
    static final int GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
    /** sizeof(struct sysinfo) on x86-64. */
    static final int SYSINFO_SIZE = 112;
    /** MAX_RW_COUNT: the most one read-like call transfers. */
    static final long MAX_RW_COUNT = Integer.MAX_VALUE & ~4095L;

    static void register(SyscallTable t) {
        t.supported(Sysno.UNAME, SysInfo::uname, PTR);
        t.partial(Sysno.SYSINFO, "load averages are 0; memory figures are the host's", SysInfo::sysinfo, PTR);
        t.supported(Sysno.GETRANDOM, SysInfo::getrandom, BUF_OUT, SIZE, HEX);
        t.supported(Sysno.SETHOSTNAME, SysInfo::sethostname, BUF_IN, INT);
        t.supported(Sysno.SETDOMAINNAME, SysInfo::setdomainname, BUF_IN, INT);
    }

    /** Implements Linux uname(2). */
    static long uname(Task t) {
        ByteBuffer b = ByteBuffer.allocate(6 * (UTS_LEN + 1));
        for (String field : new String[] {"Linux", t.kernel().hostname(), RELEASE, VERSION, "x86_64", t.kernel().domainname()}) {
            byte[] s = field.getBytes(StandardCharsets.ISO_8859_1);
            b.put(s, 0, Math.min(s.length, UTS_LEN));
            b.position(b.position() + (UTS_LEN + 1 - Math.min(s.length, UTS_LEN)));
        }
        t.mm().usermem().write(t.arg(0), b.array());
        return 0;
    }

    /** Implements Linux sethostname(2): root of the sandbox may rename it; len 0..64. */
    static long sethostname(Task t) {
        t.kernel().setHostname(utsName(t));
        return 0;
    }

    /** Implements Linux setdomainname(2), as sethostname. */
    static long setdomainname(Task t) {
        t.kernel().setDomainname(utsName(t));
        return 0;
    }

    /** The name argument of sethostname/setdomainname, checked as kernel/sys.c does. */
    private static String utsName(Task t) {
        int len = t.intArg(1);
        if (!SysIdentity.privileged(t)) throw SyscallError.of(EPERM);
        if (len < 0 || len > UTS_LEN) throw SyscallError.of(EINVAL);
        byte[] name = t.mm().usermem().read(t.arg(0), len);
        int end = 0;
        while (end < len && name[end] != 0) end++;
        // The name is bytes, not text: ISO-8859-1 keeps each byte as it came (uname writes it back so).
        return new String(name, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** Implements Linux sysinfo(2) with mem_unit 1. */
    static long sysinfo(Task t) {
        long up = t.kernel().uptimeNanos();
        long[] mem = hostMeminfo();
        ByteBuffer b = ByteBuffer.allocate(SYSINFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, up / 1_000_000_000L + (up % 1_000_000_000L != 0 ? 1 : 0)); // rounded up, as Linux does
        // loads[3] at 8..31 stay 0
        b.putLong(32, mem[0]); // totalram
        b.putLong(40, mem[1]); // freeram
        b.putLong(48, mem[2]); // sharedram
        b.putLong(56, mem[3]); // bufferram
        b.putLong(64, mem[4]); // totalswap
        b.putLong(72, mem[5]); // freeswap
        b.putShort(80, (short) Math.min(0xffff, t.kernel().tasks().size())); // procs
        // totalhigh, freehigh at 88, 96 are 0 on 64-bit
        b.putInt(104, 1); // mem_unit
        t.mm().usermem().write(t.arg(0), b.array());
        return 0;
    }

    /** MemTotal, MemFree, Shmem, Buffers, SwapTotal, SwapFree of the host, in bytes (0 where unknown). */
    static long[] hostMeminfo() {
        String[] keys = {"MemTotal:", "MemFree:", "Shmem:", "Buffers:", "SwapTotal:", "SwapFree:"};
        long[] out = new long[keys.length];
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            for (int i = 0; i < keys.length; i++) {
                if (!line.startsWith(keys[i])) continue;
                String[] parts = line.substring(keys[i].length()).trim().split("\\s+");
                try {
                    out[i] = Long.parseLong(parts[0]) * (parts.length > 1 && parts[1].equals("kB") ? 1024 : 1);
                } catch (NumberFormatException e) {
                    // leave 0
                }
            }
        }
        return out;
    }

    /**
     * Implements Linux getrandom(2). All flags draw from the host's getrandom, whose pool is
     * initialised long before a sandbox starts, so GRND_NONBLOCK never has to fail with EAGAIN.
     * Fills page by page so that a buffer running into unmapped memory gets the bytes before it,
     * as Linux returns a short count.
     */
    static long getrandom(Task t) {
        long addr = t.arg(0), len = Math.min(t.arg(1), MAX_RW_COUNT);
        int flags = t.intArg(2);
        if (t.arg(1) < 0) len = MAX_RW_COUNT; // a size_t above LONG_MAX
        if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0) throw SyscallError.of(EINVAL);
        if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM)) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        long done = 0;
        while (done < len) {
            long pos = addr + done;
            long n = Math.min(len - done, 4096 - (pos & 4095));
            try {
                mem.visit(pos, n, true, SysInfo::hostRandom);
            } catch (SyscallError e) {
                if (done == 0) throw e;
                break;
            }
            done += n;
        }
        return done;
    }

    /** Fills {@code n} bytes of Sentry memory at {@code host} from the host's getrandom(2). */
    private static long hostRandom(long host, long n) {
        Host.getrandom(host, n);
        return n;
    }
}
