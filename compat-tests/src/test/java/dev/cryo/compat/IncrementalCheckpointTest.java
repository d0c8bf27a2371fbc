package dev.cryo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.SandboxConfig;
import dev.cryo.sentry.checkpoint.StoreSnapshots;
import dev.cryo.sentry.memory.MemoryFile;
import dev.cryo.sentry.syscalls.SyscallTable;
import dev.cryo.store.CheckpointResult;
import dev.cryo.store.Labels;
import dev.cryo.store.MemorySink;
import dev.cryo.store.Progress;
import dev.cryo.store.Store;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints into the store that skip what nobody wrote (the memory file's write tracking):
 * while a program keeps changing its memory the three ways it can change under the Sentry — its
 * own writes, the kernel's (a pread into it), a forked child's writes to shared memory — each
 * checkpoint, still frozen, restores its snapshot's memory from the store and compares it with
 * the live memory file byte for byte. A chunk reused that was in fact written would show.
 */
class IncrementalCheckpointTest {
    @TempDir
    Path store;

    @Test
    void aCheckpointThatReusesUnwrittenChunksHoldsExactlyTheMemoryOfItsMoment() throws Exception {
        CompatEnv.busybox(); // the program reads /bin/busybox
        String prog = CompatEnv.compiled("mutate");
        List<CheckpointResult> results = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        // The sandbox is made and run on one thread (its tracer); checkpoints come from this one.
        java.util.concurrent.CompletableFuture<Sandbox> made = new java.util.concurrent.CompletableFuture<>();
        Thread runner = runner(made, () -> created(prog, "16", "100000"));
        try (Store st = Store.open(store)) {
            Sandbox sb = made.get();
            Thread.sleep(500); // filled, and changing
            for (int k = 0; k < 4; k++) {
                Thread.sleep(400); // a dozen steps or more: some chunks written, most not
                checkpointComparing(sb, st, "m:r" + k, results, mismatches);
            }
            sb.kill(9);
            runner.join(10_000);
        }
        assertEquals(List.of(), mismatches, "snapshot memory against the live memory file");
        assertEquals(4, results.size());
        assertEquals(0, results.get(0).unchangedChunks(), "the first checkpoint reads everything");
        // ~150 random pages are written between two checkpoints, of 256 granules of 16 MiB.
        assertReusedAndStored(results.subList(1, results.size()), "what was left alone is not read again: ");
        for (CheckpointResult r : results.subList(1, results.size())) {
            assertTrue(r.snapshot().chunks().stream().anyMatch(c -> !c.whole()),
                    "a written slot keeps its unchanged blocks' chunk: only the changed blocks are stored");
        }
    }

    /**
     * A sandbox restored from the store knows what it holds: its first checkpoint into the same
     * store reuses the restored snapshot's chunks nobody wrote since the restore, unread, and the
     * snapshot still holds exactly the memory of its moment (the background load's writes are
     * not the program's; a write the tracking missed would show in the comparison).
     */
    @Test
    void aRestoredSandboxsFirstCheckpointReusesWhatItWasRestoredFrom() throws Exception {
        CompatEnv.busybox();
        String prog = CompatEnv.compiled("mutate");
        List<CheckpointResult> results = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        try (Store st = Store.open(store)) {
            java.util.concurrent.CompletableFuture<Sandbox> made = new java.util.concurrent.CompletableFuture<>();
            Thread first = runner(made, () -> created(prog, "16", "100000"));
            Thread.sleep(500);
            String base = made.get().checkpoint(Sandbox.Target.store(st, Labels.named("m:base"), Progress.NONE), false);
            first.join(10_000);

            java.util.concurrent.CompletableFuture<Sandbox> restored = new java.util.concurrent.CompletableFuture<>();
            Thread second = runner(restored, () -> Sandbox.restore(PtracePlatform.create(), Sandbox.Source.store(st, base),
                    new Sandbox.RestoreOptions(false, null, SyscallTable.standard())));
            Sandbox sb = restored.get();
            for (int k = 0; k < 2; k++) {
                Thread.sleep(400);
                checkpointComparing(sb, st, "m:after" + k, results, mismatches);
            }
            sb.kill(9);
            second.join(10_000);
        }
        assertEquals(List.of(), mismatches, "snapshot memory against the live memory file");
        assertEquals(2, results.size());
        assertReusedAndStored(results, "what was left alone since the restore is not read: ");
    }

    /**
     * Threads racing to be first to write the granules each checkpoint held read-only again: every
     * fault but the first on a granule finds it writable already and must run again, not kill
     * the program with SIGSEGV (it did, now and then, for a multi-threaded python restored from
     * the store). Four threads write each page of 32 MiB in lockstep while the sandbox is
     * checkpointed into the store again and again; the program checks every byte at the end.
     */
    @Test
    void threadsRacingToWriteATrackedGranuleAllGoOn() throws Exception {
        String prog = CompatEnv.compiled("tracked_writers");
        java.util.concurrent.CompletableFuture<Sandbox> made = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Integer> exit = new java.util.concurrent.CompletableFuture<>();
        Thread runner = runner(made, () -> created(prog, "4", "60"), exit);
        int checkpoints = 0;
        try (Store st = Store.open(store)) {
            Sandbox sb = made.get();
            Thread.sleep(200);
            for (; checkpoints < 8 && !exit.isDone(); checkpoints++) {
                try {
                    sb.checkpoint(Sandbox.Target.store(st, Labels.named("w:" + checkpoints), Progress.NONE), true);
                } catch (java.io.IOException e) {
                    if (exit.isDone()) break; // it ended meanwhile
                    throw e;
                }
                Thread.sleep(60);
            }
            assertEquals(0, exit.get(60, java.util.concurrent.TimeUnit.SECONDS), "the writers' exit status");
            runner.join(10_000);
        }
        assertTrue(checkpoints >= 3, "checkpoints taken while the threads wrote: " + checkpoints);
    }

    /** A new sandbox (ptrace) running {@code argv}. */
    private static Sandbox created(String... argv) {
        return Sandbox.create(PtracePlatform.create(), new SandboxConfig("/", List.of(argv),
                SandboxConfig.environment(List.of()), "/", null));
    }

    /**
     * Checkpoints {@code sb} into {@code st} as {@code label}, leaving it running; still frozen,
     * the snapshot must hold exactly what the memory holds: differences go to {@code mismatches}.
     */
    private static void checkpointComparing(Sandbox sb, Store st, String label, List<CheckpointResult> results,
            List<String> mismatches) throws java.io.IOException {
        sb.checkpoint((kernel, codec) -> {
            CheckpointResult r = StoreSnapshots.save(kernel, st, Labels.named(label), codec, Progress.NONE);
            results.add(r);
            mismatches.addAll(compare(kernel.memoryFile(), st, r.snapshot().id()));
            return r.snapshot().id();
        }, true);
    }

    /** Each checkpoint reused at least a quarter of its slots unread ({@code why}) and stored something new. */
    private static void assertReusedAndStored(List<CheckpointResult> results, String why) {
        for (CheckpointResult r : results) {
            // Slots, not pieces: a written slot may be several pieces (its unchanged blocks' old chunk).
            long chunks = r.snapshot().chunks().stream().mapToLong(c -> c.memOffset() / Store.CHUNK_SIZE).distinct().count()
                    + r.zeroChunks();
            String counts = chunks + " slots, " + r.unchangedChunks() + " unwritten, " + r.newChunks() + " new";
            assertTrue(r.unchangedChunks() >= chunks / 4, why + counts);
            assertTrue(r.newChunks() > 0, "what changed is stored again: " + counts);
        }
    }

    /** A sandbox made by {@code make} and run to its exit on a thread of its own (its tracer); handed over in {@code made}. */
    private static Thread runner(java.util.concurrent.CompletableFuture<Sandbox> made,
            java.util.concurrent.Callable<Sandbox> make) {
        return runner(made, make, new java.util.concurrent.CompletableFuture<>());
    }

    /** As above; its exit status completes {@code exit}. */
    private static Thread runner(java.util.concurrent.CompletableFuture<Sandbox> made,
            java.util.concurrent.Callable<Sandbox> make, java.util.concurrent.CompletableFuture<Integer> exit) {
        Thread t = new Thread(() -> {
            try (Sandbox sb = make.call()) {
                made.complete(sb);
                exit.complete(sb.runToExit());
            } catch (Exception e) {
                made.completeExceptionally(e);
                exit.completeExceptionally(e);
            }
        }, "incremental-runner");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Where the live file and the snapshot restored from the store differ ("offset: what"), at most a few. */
    private static List<String> compare(MemoryFile mf, Store st, String id) throws java.io.IOException {
        TreeMap<Long, Long> written = new TreeMap<>();
        List<String> bad = new ArrayList<>();
        MemorySink sink = new MemorySink() {
            @Override
            public synchronized void write(long offset, ByteBuffer src) {
                byte[] got = new byte[src.remaining()];
                src.get(got);
                byte[] live = new byte[got.length];
                mf.read(offset, live, 0, live.length);
                if (!java.util.Arrays.equals(got, live) && bad.size() < 5) bad.add(offset + ": chunk differs");
                written.put(offset, offset + got.length);
            }
        };
        st.restore(id, sink, true, Progress.NONE);
        // What the snapshot holds no chunk for is zero in it: it must be zero in the memory too.
        for (long[] r : mf.allocatedRanges()) {
            for (long pos = r[0]; pos < r[0] + r[1]; pos += MemoryFile.PAGE) {
                var w = written.floorEntry(pos);
                if (w != null && w.getValue() > pos) continue;
                byte[] page = new byte[(int) MemoryFile.PAGE];
                mf.read(pos, page, 0, page.length);
                for (byte b : page) {
                    if (b != 0) {
                        if (bad.size() < 5) bad.add(pos + ": not zero, the snapshot has it zero");
                        break;
                    }
                }
            }
        }
        return bad;
    }
}
