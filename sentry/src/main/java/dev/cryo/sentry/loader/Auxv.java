package dev.cryo.sentry.loader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Auxiliary vector keys (include/uapi/linux/auxvec.h) and the host CPU's values for them. */
public final class Auxv {
    private Auxv() {}

    public static final int AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6,
            AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13,
            AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23,
            AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_MINSIGSTKSZ = 51;

    /**
     * AT_HWCAP, AT_HWCAP2 and AT_MINSIGSTKSZ as the host kernel gave them to this JVM: they
     * describe the CPU the application really runs on.
     */
    static final long[] HOST = readHost();

    private static long[] readHost() {
        long[] v = {0, 0, 2048};
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            while (b.remaining() >= 16) {
                long key = b.getLong(), val = b.getLong();
                if (key == AT_HWCAP) v[0] = val;
                else if (key == AT_HWCAP2) v[1] = val;
                else if (key == AT_MINSIGSTKSZ) v[2] = val;
            }
        } catch (IOException e) {
            // Without it, glibc probes the CPU with cpuid itself.
        }
        return v;
    }
}
