package dev.cryo.sentry.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cryo.platform.host.Host;
import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import org.junit.jupiter.api.Test;

/** A buffer of the Sentry's own seen as application memory (sendfile's): [0, size) and nothing else. */
class KernelBufferTest {
    private static int errno(Runnable r) {
        return assertThrows(SyscallError.class, r::run).errno();
    }

    @Test
    void readsAndWritesWithinItAndEfaultOutside() {
        long base = Host.allocate(64);
        try {
            Usermem m = Usermem.kernelBuffer(base, 64);
            m.write(10, new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {0, 1, 2, 3, 0}, m.read(9, 5));
            assertEquals(3, Host.getByte(base + 12));
            m.writeLong(56, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, m.readLong(56));
            long[] seen = new long[2];
            assertEquals(20, m.visit(4, 20, true, (host, n) -> {
                seen[0] = host;
                seen[1] = n;
                return n;
            }));
            assertEquals(base + 4, seen[0]);
            assertEquals(20, seen[1]);
            assertEquals(Errno.EFAULT, errno(() -> m.read(60, 5)));
            assertEquals(Errno.EFAULT, errno(() -> m.read(-1, 1)));
            assertEquals(Errno.EFAULT, errno(() -> m.check(Long.MAX_VALUE, 2, false)));
            assertEquals(Errno.EFAULT, errno(() -> m.readString(0, 10)));
            assertEquals(Errno.EFAULT, errno(() -> m.writeForce(0, new byte[1], 0, 1)));
            assertEquals(0, m.visit(64, 0, false, (host, n) -> n));
        } finally {
            Host.free(base);
        }
    }
}
