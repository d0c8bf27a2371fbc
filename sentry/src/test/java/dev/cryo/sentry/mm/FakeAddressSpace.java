package dev.cryo.sentry.mm;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import java.util.ArrayList;
import java.util.List;

/** Records what the memory manager asks of the platform, without a stub process. */
final class FakeAddressSpace implements AddressSpace {
    final List<String> calls = new ArrayList<>();
    int batches;

    @Override
    public void map(List<Mapping> ranges) {
        batches++;
        AddressSpace.super.map(ranges);
    }

    @Override
    public void map(long addr, long len, int prot, long fileOffset) {
        calls.add(String.format("map %x+%x %d @%x", addr, len, prot, fileOffset));
    }

    @Override
    public void unmap(long addr, long len) {
        calls.add(String.format("unmap %x+%x", addr, len));
    }

    @Override
    public void protect(long addr, long len, int prot) {
        calls.add(String.format("protect %x+%x %d", addr, len, prot));
    }

    @Override
    public Context mainContext() {
        throw new UnsupportedOperationException();
    }

    @Override
    public long cloneThread() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Context adoptThread(long handle) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
