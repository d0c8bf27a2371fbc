package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;
import java.util.Map;
import java.util.TreeMap;

/** Counts the system calls that returned ENOSYS, by number, for the report at exit. */
@Savable
public final class SyscallStats {
    private final TreeMap<Long, Long> enosys = new TreeMap<>();

    public synchronized void countEnosys(long nr) {
        enosys.merge(nr, 1L, Long::sum);
    }

    /** Number to count, in number order. */
    public synchronized Map<Long, Long> enosys() {
        return new TreeMap<>(enosys);
    }
}
