package dev.cryo.platform.host;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A stub's executable: the smallest static ELF the kernel runs (no sections, one read + execute
 * PT_LOAD of the whole file and a PT_GNU_STACK that keeps READ_IMPLIES_EXEC off), written here
 * byte by byte so that Cryo needs no compiler at run time; kept in a sealed memfd and spawned
 * through {@code /proc/PID/fd/N}, so no file is left on disk.
 */
public final class StaticElf {
    /** Where the code starts in the file: after the ELF header and the two program headers. */
    public static final int CODE_OFFSET = 64 + 2 * 56;

    private StaticElf() {}

    /** The image of {@code code} loaded at {@code base}, entered at its first byte ({@code base + CODE_OFFSET}). */
    public static byte[] image(long base, byte[] code) {
        ByteBuffer b = ByteBuffer.allocate(CODE_OFFSET + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 0x3e).putInt(1); // ET_EXEC, x86-64
        b.putLong(base + CODE_OFFSET).putLong(64).putLong(0).putInt(0); // entry, phoff, shoff, flags
        b.putShort((short) 64).putShort((short) 56).putShort((short) 2);
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5).putLong(0).putLong(base).putLong(base); // PT_LOAD, R+X
        b.putLong(b.capacity()).putLong(b.capacity()).putLong(0x1000);
        b.putInt(0x6474e551).putInt(6).putLong(0).putLong(0).putLong(0).putLong(0).putLong(0).putLong(16);
        b.put(code);
        return b.array();
    }

    /**
     * Writes {@code image} into a sealed memfd named {@code name} that stays open for the JVM's
     * lifetime, and returns a path the host can exec it by.
     */
    public static String sealedPath(String name, byte[] image) {
        int fd = Host.memfdCreate(name, 0x0001 | 0x0002 /* MFD_CLOEXEC | MFD_ALLOW_SEALING */);
        long buf = Host.allocate(image.length);
        try {
            Host.putBytes(buf, image, 0, image.length);
            if (Host.write(fd, buf, image.length) != image.length) throw new IllegalStateException("short write of " + name);
        } finally {
            Host.free(buf);
        }
        Host.fcntl(fd, 1033 /* F_ADD_SEALS */, 0x1 | 0x2 | 0x4 | 0x8); // SEAL, SHRINK, GROW, WRITE
        return "/proc/" + Host.getpid() + "/fd/" + fd;
    }
}
