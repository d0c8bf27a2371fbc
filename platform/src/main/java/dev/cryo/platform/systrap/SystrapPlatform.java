package dev.cryo.platform.systrap;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Platform;
import dev.cryo.platform.PlatformException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The systrap platform (see the package's description). Needs seccomp filters and the
 * FSGSBASE instructions in user space (Linux 5.9+ on CPUs that have them): the stub's handler
 * saves and restores the thread pointer with them, which a signal frame does not hold.
 */
public final class SystrapPlatform implements Platform {
    static final long TASK_SIZE = 0x7ffffffff000L;
    static final long MIN_USER_ADDRESS = 0x10000;

    private SystrapPlatform() {}

    public static SystrapPlatform create() {
        if (!fsgsbase()) {
            throw new PlatformException("the systrap platform needs the FSGSBASE instructions (Linux 5.9+ on a CPU with them); use the ptrace platform");
        }
        return new SystrapPlatform();
    }

    /**
     * Whether this host runs the platform: FSGSBASE, and seccomp filters (the "Seccomp" line of
     * /proc/self/status exists with CONFIG_SECCOMP; filters with CONFIG_SECCOMP_FILTER, which
     * every distribution kernel that has one has). Read, not probed: a probe is a stub's start.
     */
    public static boolean available() {
        if (!fsgsbase()) return false;
        try {
            return Files.readString(Path.of("/proc/self/status")).contains("\nSeccomp:");
        } catch (IOException e) {
            return false;
        }
    }

    /** AT_HWCAP2's HWCAP2_FSGSBASE bit, from /proc/self/auxv. */
    static boolean fsgsbase() {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv"))).order(ByteOrder.LITTLE_ENDIAN);
            while (b.remaining() >= 16) {
                long type = b.getLong(), value = b.getLong();
                if (type == 26 /* AT_HWCAP2 */) return (value & 2) != 0;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    @Override
    public String name() {
        return "systrap";
    }

    @Override
    public long minUserAddress() {
        return MIN_USER_ADDRESS;
    }

    @Override
    public long maxUserAddress() {
        return StubImage.BASE;
    }

    @Override
    public AddressSpace newAddressSpace(int memoryFd) {
        return new SystrapAddressSpace(memoryFd);
    }
}
