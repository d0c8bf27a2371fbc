package dev.cryo.platform.systrap;

import static dev.cryo.platform.StubTestFiles.memfdWith;
import static dev.cryo.platform.StubTestFiles.resetRunsTheNextProgram;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.Event;
import dev.cryo.platform.Regs;
import dev.cryo.platform.host.Host;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs hand-assembled code in a systrap stub: system calls trapped, faults, FP state, threads, interrupts. */
class SystrapPlatformTest {
    private static final long CODE = 0x400000;

    @BeforeAll
    static void needsFsgsbase() {
        Assumptions.assumeTrue(SystrapPlatform.fsgsbase(), "no FSGSBASE on this host");
    }


    @Test
    void syscallsAreTrappedAndResultsReturned() {
        byte[] code = {
            (byte) 0xB8, 39, 0, 0, 0, // mov eax, 39 (getpid)
            0x0F, 0x05, // syscall
            0x48, (byte) 0x89, (byte) 0xC7, // mov rdi, rax
            (byte) 0xB8, 60, 0, 0, 0, // mov eax, 60 (exit)
            0x0F, 0x05, // syscall
        };
        int fd = memfdWith(code);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            Context ctx = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            regs[Regs.FS_BASE] = 0x12345000L;
            Event e = ctx.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(39, regs[Regs.ORIG_RAX]);
            assertEquals(-38, regs[Regs.RAX]);
            assertEquals(CODE + 7, regs[Regs.RIP]);
            assertEquals(0x12345000L, regs[Regs.FS_BASE], "the thread pointer is the one run with");
            regs[Regs.RAX] = 1234;
            e = ctx.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(60, regs[Regs.ORIG_RAX]);
            assertEquals(1234, regs[Regs.RDI]);
            byte[] xsave = ctx.fpState();
            assertTrue(xsave.length >= 576, "XSAVE area has legacy region and header: " + xsave.length);
            ctx.setFpState(xsave);
            assertTrue(ctx.cpuTimeNanos() >= 0);
        } finally {
            Host.close(fd);
        }
    }

    /** The FP state set is the one the code runs with: xmm0 moved to rax. */
    @Test
    void fpStateSetIsTheOneTheApplicationSees() {
        byte[] code = {
            (byte) 0xB8, 39, 0, 0, 0, 0x0F, 0x05, // getpid: a stop to start from
            0x66, 0x48, 0x0F, 0x7E, (byte) 0xC0, // movq rax, xmm0
            0x48, (byte) 0x89, (byte) 0xC7, // mov rdi, rax
            (byte) 0xB8, 60, 0, 0, 0, 0x0F, 0x05, // exit
        };
        int fd = memfdWith(code);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            Context ctx = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            assertEquals(Event.Kind.SYSCALL, ctx.run(regs).kind());
            byte[] x = ctx.fpState();
            java.nio.ByteBuffer.wrap(x).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(160, 0x1122334455667788L); // xmm0
            ctx.setFpState(x);
            assertEquals(Event.Kind.SYSCALL, ctx.run(regs).kind());
            assertEquals(0x1122334455667788L, regs[Regs.RDI]);
        } finally {
            Host.close(fd);
        }
    }

    @Test
    void faultsReportAddressAndMappingFixesThem() {
        byte[] code = {
            0x48, (byte) 0x8B, 0x04, 0x25, 0x00, 0x00, 0x50, 0x00, // mov rax, [0x500000]
            0x48, (byte) 0x89, (byte) 0xC7, // mov rdi, rax
            (byte) 0xB8, 60, 0, 0, 0, // mov eax, 60
            0x0F, 0x05,
        };
        int fd = memfdWith(code);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            Context ctx = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            Event e = ctx.run(regs);
            assertEquals(Event.Kind.FAULT, e.kind());
            assertEquals(11, e.signo());
            assertEquals(0x500000, e.addr());
            assertEquals(CODE, regs[Regs.RIP]);
            as.map(0x500000, 0x1000, 1, 0); // the code page itself, read-only
            e = ctx.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(60, regs[Regs.ORIG_RAX]);
            assertEquals(0x0025048B48L, regs[Regs.RDI] & 0xFFFFFFFFFFL);
        } finally {
            Host.close(fd);
        }
    }

    /** A system call made from the stub's own page by application code is trapped too, unless the stub itself makes it. */
    @Test
    void theApplicationCannotReachTheHostThroughTheStubPage() {
        byte[] code = {
            (byte) 0xB8, 39, 0, 0, 0, // mov eax, 39 (getpid): not a call the stub makes
            0x48, (byte) 0xB9, (byte) 0xB2, 0, 0, 0, (byte) 0xF0, 0x7F, 0, 0, // mov rcx, INJECT (syscall; int3)
            (byte) 0xFF, (byte) 0xE1, // jmp rcx
        };
        assertEquals(0x7ff0000000b2L, StubCode.INJECT);
        int fd = memfdWith(code);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            long[] regs = Regs.initial(CODE, 0);
            Event e = as.mainContext().run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(39, regs[Regs.ORIG_RAX]);
        } finally {
            Host.close(fd);
        }
    }

    @Test
    void interruptStopsARunningThreadAndIsNeverLost() throws Exception {
        byte[] code = {(byte) 0xEB, (byte) 0xFE}; // jmp .
        int fd = memfdWith(code);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            Context ctx = as.mainContext();
            ctx.interrupt(); // before the run: delivered as soon as it starts
            long[] regs = Regs.initial(CODE, 0);
            assertEquals(Event.Kind.INTERRUPT, ctx.run(regs).kind());
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    return;
                }
                ctx.interrupt();
            });
            t.start();
            assertEquals(Event.Kind.INTERRUPT, ctx.run(regs).kind());
            assertEquals(CODE, regs[Regs.RIP]);
            t.join();
        } finally {
            Host.close(fd);
        }
    }

    /** A second thread of the stub, run by another Java thread, stores what the first loads. */
    @Test
    void aClonedThreadSharesTheMemory() throws Exception {
        byte[] code = {
            (byte) 0xB8, 39, 0, 0, 0, 0x0F, 0x05, // getpid: a stop to start from
            0x48, (byte) 0x8B, 0x04, 0x25, 0x00, 0x00, 0x50, 0x00, // mov rax, [0x500000]
            0x48, (byte) 0x89, (byte) 0xC7, // mov rdi, rax
            (byte) 0xB8, 60, 0, 0, 0, 0x0F, 0x05, // exit
        };
        byte[] store = {
            0x48, (byte) 0xC7, 0x04, 0x25, 0x00, 0x00, 0x50, 0x00, 0x2A, 0, 0, 0, // mov qword [0x500000], 42
            (byte) 0xB8, 60, 0, 0, 0, 0x0F, 0x05, // exit
        };
        int fd = memfdWith(code);
        long buf = Host.allocate(store.length);
        Host.putBytes(buf, store, 0, store.length);
        Host.pwrite(fd, buf, store.length, 0x2000);
        Host.free(buf);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            as.map(CODE + 0x2000, 0x1000, 5, 0x2000);
            Context ctx = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            assertEquals(Event.Kind.SYSCALL, ctx.run(regs).kind());
            long handle = as.cloneThread();
            long[] seen = new long[1];
            Thread other = new Thread(() -> {
                Context c = as.adoptThread(handle);
                as.map(0x500000, 0x1000, 3, 0x3000);
                long[] r = Regs.initial(CODE + 0x2000, 0);
                Event e = c.run(r);
                seen[0] = e.kind() == Event.Kind.SYSCALL ? r[Regs.ORIG_RAX] : -1;
                c.release();
            });
            other.start();
            other.join();
            assertEquals(60, seen[0]);
            Event e = ctx.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(42, regs[Regs.RDI]);
        } finally {
            Host.close(fd);
        }
    }

    /** A stub kept for another process: reset removes every application mapping and hands back the same context. */
    @Test
    void aResetStubHasNoMappingLeftAndRunsTheNextProgram() throws Exception {
        byte[] code = {(byte) 0xB8, 39, 0, 0, 0, 0x0F, 0x05}; // getpid
        int fd = memfdWith(code);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            resetRunsTheNextProgram(as, ((SystrapAddressSpace) as).pid, CODE);
            long handle = as.cloneThread();
            java.util.concurrent.CountDownLatch adopted = new java.util.concurrent.CountDownLatch(1);
            Thread other = new Thread(() -> {
                as.adoptThread(handle);
                adopted.countDown();
            });
            other.start();
            adopted.await();
            other.join();
            assertTrue(as.reset() == null, "two live threads: not reusable");
        } finally {
            Host.close(fd);
        }
    }


    /** What a system call costs on this platform, printed for the record (no timing asserted). */
    @Test
    void aSystemCallRoundTrip() {
        byte[] code = {(byte) 0xB8, 39, 0, 0, 0, 0x0F, 0x05, (byte) 0xEB, (byte) 0xF7}; // getpid; jmp back
        int fd = memfdWith(code);
        try (AddressSpace as = SystrapPlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            Context ctx = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            int n = 20000;
            long t0 = 0;
            for (int i = 0; i < n; i++) {
                if (i == n / 2) t0 = System.nanoTime();
                assertEquals(Event.Kind.SYSCALL, ctx.run(regs).kind());
                regs[Regs.RAX] = 7;
            }
            System.out.printf("systrap: %.2f us per trapped getpid%n", (System.nanoTime() - t0) / 1e3 / (n / 2));
        } finally {
            Host.close(fd);
        }
    }
}
