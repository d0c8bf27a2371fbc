package dev.cryo.sentry;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.Event;
import dev.cryo.platform.Platform;
import java.util.function.LongSupplier;

/**
 * A platform whose address spaces map nothing and whose contexts never run: for tests of the
 * Sentry's logic without a stub process (STYLE.md "a fake platform").
 */
public final class NoPlatform implements Platform {
    private final LongSupplier cpuNanos;

    public NoPlatform() {
        this(() -> 0);
    }

    /** With the CPU time its contexts report. */
    public NoPlatform(LongSupplier cpuNanos) {
        this.cpuNanos = cpuNanos;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public long minUserAddress() {
        return 0x10000;
    }

    @Override
    public long maxUserAddress() {
        return 0x7fff_ffff_f000L;
    }

    @Override
    public AddressSpace newAddressSpace(int memoryFd) {
        return new AddressSpace() {
            @Override
            public void map(long addr, long len, int prot, long fileOffset) {}

            @Override
            public void unmap(long addr, long len) {}

            @Override
            public void protect(long addr, long len, int prot) {}

            @Override
            public Context mainContext() {
                return new Context() {
                    @Override
                    public Event run(long[] regs) {
                        throw new UnsupportedOperationException("runs nothing");
                    }

                    @Override
                    public byte[] fpState() {
                        return new byte[0];
                    }

                    @Override
                    public void setFpState(byte[] xsave) {}

                    @Override
                    public long cpuTimeNanos() {
                        return cpuNanos.getAsLong();
                    }

                    @Override
                    public void interrupt() {}

                    @Override
                    public void release() {}
                };
            }

            @Override
            public long cloneThread() {
                throw new UnsupportedOperationException("runs nothing");
            }

            @Override
            public Context adoptThread(long handle) {
                throw new UnsupportedOperationException("runs nothing");
            }

            @Override
            public void close() {}
        };
    }
}
