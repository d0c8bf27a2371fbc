package dev.cryo.sentry.syscalls;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A {@link SysTestTask} and a page of scratch memory per test. */
abstract class SysTestBase {
    SysTestTask k;
    long buf;

    @BeforeEach
    void setUpTask() {
        assumeTrue(SysTestTask.available(), "needs " + SysTestTask.PROGRAM);
        k = new SysTestTask();
        buf = k.scratch(8192);
    }

    @AfterEach
    void tearDownTask() {
        if (k != null) k.close();
    }

    long longAt(long addr) {
        return k.mem().readLong(addr);
    }

    int intAt(long addr) {
        return k.mem().readInt(addr);
    }

    void putLongs(long addr, long... v) {
        k.mem().write(addr, SysTime.longsToBytes(v));
    }

    ByteBuffer bytes(long addr, int len) {
        return ByteBuffer.wrap(k.mem().read(addr, len)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The NUL-terminated string at addr within a field of len bytes. */
    String cString(long addr, int len) {
        byte[] b = k.mem().read(addr, len);
        int n = 0;
        while (n < len && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
