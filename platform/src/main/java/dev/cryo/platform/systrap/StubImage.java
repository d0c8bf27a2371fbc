package dev.cryo.platform.systrap;

import dev.cryo.platform.host.Host;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The systrap stub's executable: a minimal static ELF around {@link StubCode} (assembled from
 * platform/src/main/asm/systrap-stub.S), loaded at {@link #BASE}; kept in a sealed memfd and
 * spawned through /proc/PID/fd/N, as the ptrace platform's stub is.
 */
final class StubImage {
    static final long BASE = 0x7ff0_0000_0000L;
    static final long SIZE = 0x1000;
    /** The context region: one {@link Block} per stub thread. */
    static final long CTX = 0x7ff0_0010_0000L;
    static final int MAX_THREADS = 1024;
    private static final int CODE_OFFSET = 64 + 2 * 56;

    private static String path;

    private StubImage() {}

    static byte[] bytes() {
        if (StubCode.SPIN != BASE + CODE_OFFSET) throw new IllegalStateException("stub code linked at the wrong address");
        byte[] code = StubCode.CODE;
        ByteBuffer b = ByteBuffer.allocate(CODE_OFFSET + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 0x3e).putInt(1); // ET_EXEC, x86-64
        b.putLong(StubCode.SPIN).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) 2);
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        // PT_LOAD: the whole file, read + execute; PT_GNU_STACK, not executable
        b.putInt(1).putInt(5).putLong(0).putLong(BASE).putLong(BASE);
        b.putLong(b.capacity()).putLong(b.capacity()).putLong(0x1000);
        b.putInt(0x6474e551).putInt(6).putLong(0).putLong(0).putLong(0).putLong(0).putLong(0).putLong(16);
        b.put(code);
        return b.array();
    }

    static synchronized String path() {
        if (path == null) {
            byte[] image = bytes();
            int fd = Host.memfdCreate("cryo-systrap-stub", 0x0001 | 0x0002 /* MFD_CLOEXEC | MFD_ALLOW_SEALING */);
            long buf = Host.allocate(image.length);
            try {
                Host.putBytes(buf, image, 0, image.length);
                if (Host.write(fd, buf, image.length) != image.length) throw new IllegalStateException("short write of stub image");
            } finally {
                Host.free(buf);
            }
            // F_ADD_SEALS: F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
            Host.fcntl(fd, 1033, 0x1 | 0x2 | 0x4 | 0x8);
            path = "/proc/" + Host.getpid() + "/fd/" + fd;
        }
        return path;
    }
}
