package dev.cryo.platform.ptrace;

import static dev.cryo.platform.StubTestFiles.maps;
import static dev.cryo.platform.StubTestFiles.memfdWith;
import static dev.cryo.platform.StubTestFiles.resetRunsTheNextProgram;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.AddressSpace;
import dev.cryo.platform.Context;
import dev.cryo.platform.Event;
import dev.cryo.platform.PlatformException;
import dev.cryo.platform.Regs;
import dev.cryo.platform.host.Host;
import org.junit.jupiter.api.Test;

/** Runs hand-assembled code in a real stub: syscalls are caught, faults reported, memory shared. */
class PtracePlatformTest {
    private static final long CODE = 0x400000;


    @Test
    void syscallsAreCaughtAndResultsReturned() {
        byte[] code = {
            (byte) 0xB8, 39, 0, 0, 0, // mov eax, 39 (getpid)
            0x0F, 0x05, // syscall
            0x48, (byte) 0x89, (byte) 0xC7, // mov rdi, rax
            (byte) 0xB8, 60, 0, 0, 0, // mov eax, 60 (exit)
            0x0F, 0x05, // syscall
        };
        int fd = memfdWith(code);
        try (AddressSpace as = PtracePlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            Context ctx = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            Event e = ctx.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(39, regs[Regs.ORIG_RAX]);
            regs[Regs.RAX] = 1234;
            e = ctx.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(60, regs[Regs.ORIG_RAX]);
            assertEquals(1234, regs[Regs.RDI]);
            byte[] xsave = ctx.fpState();
            assertTrue(xsave.length >= 576, "XSAVE area has legacy region and header");
            ctx.setFpState(xsave);
            assertTrue(ctx.cpuTimeNanos() >= 0);
        } finally {
            Host.close(fd);
        }
    }

    @Test
    void faultsReportAddressAndMappingFixesThem() {
        byte[] code = {
            0x48, (byte) 0x8B, 0x04, 0x25, 0x00, 0x00, 0x50, 0x00, // mov rax, [0x500000]
            (byte) 0xB8, 60, 0, 0, 0, // mov eax, 60
            0x0F, 0x05,
        };
        int fd = memfdWith(code);
        try (AddressSpace as = PtracePlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x1000, 5, 0);
            Context ctx = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            Event e = ctx.run(regs);
            assertEquals(Event.Kind.FAULT, e.kind());
            assertEquals(11, e.signo());
            assertEquals(0x500000, e.addr());
            as.map(0x500000, 0x1000, 1, 0x1000);
            // The stub sees the memory file: what the Sentry wrote at offset 0 is the code.
            long buf = Host.allocate(4);
            Host.processVmRead(((PtraceAddressSpace) as).pid(), buf, CODE, 4);
            assertEquals(0x048B48, Host.getInt(buf) & 0xffffff);
            Host.free(buf);
            e = ctx.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(60, regs[Regs.ORIG_RAX]);
        } finally {
            Host.close(fd);
        }
    }

    /**
     * A stub kept for another process: reset removes every application mapping and hands back
     * the same context, which runs the next program; a stub with a second live thread is not
     * reused.
     */
    @Test
    void aResetStubHasNoMappingLeftAndRunsTheNextProgram() throws Exception {
        byte[] code = {
            (byte) 0xB8, 39, 0, 0, 0, // mov eax, 39 (getpid)
            0x0F, 0x05, // syscall
        };
        int fd = memfdWith(code);
        try (AddressSpace as = PtracePlatform.create().newAddressSpace(fd)) {
            resetRunsTheNextProgram(as, ((PtraceAddressSpace) as).pid(), CODE);

            long handle = as.cloneThread();
            java.util.concurrent.CountDownLatch adopted = new java.util.concurrent.CountDownLatch(1),
                    done = new java.util.concurrent.CountDownLatch(1);
            Thread other = new Thread(() -> { // its tracer must live on: the stub dies with it
                as.adoptThread(handle);
                adopted.countDown();
                try {
                    done.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            other.start();
            adopted.await();
            assertTrue(as.reset() == null, "two live threads: not reusable");
            done.countDown();
            other.join();
        } finally {
            Host.close(fd);
        }
    }

    /**
     * Several ranges mapped in one stop of the stub, each with its protection and file offset;
     * the batch table is read-only to application code; a range the host refuses is named,
     * with the ones before it mapped.
     */
    @Test
    void aBatchMapsEveryRangeAndItsTableIsReadOnlyToTheApplication() throws Exception {
        byte[] code = {
            0x48, (byte) 0xA3, 0x00, 0x10, 0x00, 0x00, (byte) 0xF0, 0x7F, 0x00, 0x00, // mov [TABLE], rax
        };
        assertEquals(0x7ff000001000L, StubImage.TABLE);
        int fd = memfdWith(code);
        try (AddressSpace as = PtracePlatform.create().newAddressSpace(fd)) {
            as.map(java.util.List.of(new AddressSpace.Mapping(CODE, 0x1000, 5, 0),
                    new AddressSpace.Mapping(0x500000, 0x2000, 1, 0x1000),
                    new AddressSpace.Mapping(0x600000, 0x1000, 3, 0x3000)));
            int pid = ((PtraceAddressSpace) as).pid();
            String maps = maps(pid);
            assertTrue(maps.contains("00400000-00401000 r-xs 00000000"), maps);
            assertTrue(maps.contains("00500000-00502000 r--s 00001000"), maps);
            assertTrue(maps.contains("00600000-00601000 rw-s 00003000"), maps);
            assertTrue(maps.contains("7ff000001000-7ff000002000 r--p"), maps);

            Event e = as.mainContext().run(Regs.initial(CODE, 0));
            assertEquals(Event.Kind.FAULT, e.kind());
            assertEquals(11, e.signo());
            assertEquals(StubImage.TABLE, e.addr());

            PlatformException bad = org.junit.jupiter.api.Assertions.assertThrows(PlatformException.class,
                    () -> as.map(java.util.List.of(new AddressSpace.Mapping(0x700000, 0x1000, 1, 0),
                            new AddressSpace.Mapping(0x800000, 0x1000, 1, 0x123))));
            assertTrue(bad.getMessage().contains("800000"), bad.getMessage());
            assertTrue(maps(pid).contains("00700000-00701000 r--s"), "the range before the bad one is mapped");
        } finally {
            Host.close(fd);
        }
    }


    /**
     * Two threads of one stub, each traced by its own Java thread: the second maps memory
     * through its own stub thread, and what it stores there the first one loads.
     */
    @Test
    void aClonedThreadHasItsOwnTracerAndSharesTheMemory() throws Exception {
        byte[] code = {
            (byte) 0xB8, 39, 0, 0, 0, // mov eax, 39 (getpid): a stop to start from
            0x0F, 0x05, // syscall
            0x48, (byte) 0x8B, 0x04, 0x25, 0x00, 0x00, 0x50, 0x00, // mov rax, [0x500000]
            0x48, (byte) 0x89, (byte) 0xC7, // mov rdi, rax
            (byte) 0xB8, 60, 0, 0, 0, // mov eax, 60 (exit)
            0x0F, 0x05,
        };
        byte[] store = {
            0x48, (byte) 0xC7, 0x04, 0x25, 0x00, 0x00, 0x50, 0x00, 0x2A, 0, 0, 0, // mov qword [0x500000], 42
            (byte) 0xB8, 60, 0, 0, 0, // mov eax, 60 (exit)
            0x0F, 0x05,
        };
        byte[] both = new byte[0x1000 + store.length];
        System.arraycopy(code, 0, both, 0, code.length);
        System.arraycopy(store, 0, both, 0x1000, store.length);
        int fd = memfdWith(both);
        try (AddressSpace as = PtracePlatform.create().newAddressSpace(fd)) {
            as.map(CODE, 0x2000, 5, 0);
            Context main = as.mainContext();
            long[] regs = Regs.initial(CODE, 0);
            assertEquals(Event.Kind.SYSCALL, main.run(regs).kind());
            long handle = as.cloneThread();
            java.util.concurrent.CompletableFuture<Long> second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                Context c = as.adoptThread(handle);
                long[] r = Regs.initial(CODE + 0x1000, 0);
                Event e = c.run(r);
                assertEquals(Event.Kind.FAULT, e.kind()); // 0x500000 is not mapped yet
                as.map(0x500000, 0x1000, 3, 0x2000);
                e = c.run(r);
                assertEquals(Event.Kind.SYSCALL, e.kind());
                c.release();
                return r[Regs.ORIG_RAX];
            }, r -> new Thread(r).start());
            assertEquals(60, second.get());
            Event e = main.run(regs);
            assertEquals(Event.Kind.SYSCALL, e.kind());
            assertEquals(60, regs[Regs.ORIG_RAX]);
            assertEquals(42, regs[Regs.RDI]);
        } finally {
            Host.close(fd);
        }
    }
}
