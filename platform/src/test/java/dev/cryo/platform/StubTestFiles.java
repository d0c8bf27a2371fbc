package dev.cryo.platform;

import dev.cryo.platform.host.Host;

/** What the platform tests give a stub: a memory file holding hand-assembled code, and a look at its mappings. */
public final class StubTestFiles {
    private StubTestFiles() {}

    /** A 1 MiB memory file with {@code code} at offset 0. */
    public static int memfdWith(byte[] code) {
        int fd = Host.memfdCreate("test", 1);
        Host.ftruncate(fd, 1 << 20);
        long buf = Host.allocate(code.length);
        Host.putBytes(buf, code, 0, code.length);
        Host.pwrite(fd, buf, code.length, 0);
        Host.free(buf);
        return fd;
    }

    /** The host's /proc/PID/maps of a stub. */
    public static String maps(int pid) throws java.io.IOException {
        return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/maps"));
    }
}
