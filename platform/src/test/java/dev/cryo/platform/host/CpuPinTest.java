package dev.cryo.platform.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A thread made by a pinned tracer thread inherits its one CPU: the process's CPU count must not
 * be asked of it, and {@link Host#unpinCurrentThread} gives it every CPU back.
 */
class CpuPinTest {
    @Test
    void aThreadMadeByAPinnedThreadGetsEveryCpuBack() throws Exception {
        int cpus = Host.processCpuCount();
        assumeTrue(cpus >= 2, "needs two CPUs");
        AtomicInteger seenPinned = new AtomicInteger(), countPinned = new AtomicInteger(),
                seenChild = new AtomicInteger(), seenUnpinned = new AtomicInteger(), processCpus = new AtomicInteger();
        Thread pinned = new Thread(() -> {
            Host.pinCurrentThread(Host.allowedCpus()[0]);
            seenPinned.set(Host.allowedCpus().length);
            countPinned.set(Host.processCpuCount());
            processCpus.set(Host.processCpus().length);
            Thread child = new Thread(() -> {
                // The thread's own mask: the JVM's availableProcessors() may answer from a
                // count it cached a few ms ago (container support), before the pin.
                seenChild.set(Host.allowedCpus().length);
                Host.unpinCurrentThread();
                seenUnpinned.set(Host.allowedCpus().length);
            });
            child.start();
            try {
                child.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        pinned.start();
        pinned.join();
        assertEquals(1, seenPinned.get());
        assertEquals(cpus, countPinned.get(), "the process's count, not the pinned thread's");
        assertEquals(cpus, processCpus.get(), "the process's CPUs, not the pinned thread's");
        assertEquals(1, seenChild.get(), "the pin is inherited");
        assertEquals(cpus, seenUnpinned.get());
    }
}
