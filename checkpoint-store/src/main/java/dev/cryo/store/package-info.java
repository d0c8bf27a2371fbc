/**
 * The checkpoint store: where snapshots live (DESIGN.md, issue #4). It knows nothing of the
 * Sentry: it stores a kernel-state blob and a memory file, given as interfaces.
 *
 * <h2>Model</h2>
 * Memory is cut into 64 KiB chunks at multiples of the chunk size ({@link Store#CHUNK_SIZE}:
 * why in its comment and docs/store.md); a chunk of zeros is not stored; every other chunk is
 * named by its SHA-256 (collision-resistant: images from different tenants share one store),
 * zstd-compressed once (level 1; stored raw if it does not shrink) and stored once, in
 * append-only pack files ({@link PackRecord}). A snapshot is one manifest
 * ({@link ManifestCodec}): identity and labels, metadata, the kernel-state blob, and the chunk
 * list <em>with locations</em>, so a restore reads the manifest and the packs and never the
 * index. The index ({@link ChunkIndex}, a Chronicle Map hash → location) only serves dedup at
 * checkpoint and is rebuilt from the manifests whenever it cannot be trusted.
 *
 * <h2>Durability</h2>
 * A checkpoint writes its new chunks into new packs, fdatasyncs them, syncs the pack directory,
 * then commits by writing the manifest under a temporary name, fsyncing it, renaming it into
 * {@code snapshots/} and fsyncing that directory ({@link Durable}). A crash at any moment leaves
 * every committed snapshot intact and the interrupted one absent (or complete, if the rename
 * happened); what it left (packs no manifest names, files in {@code tmp/}) is reclaimed by
 * {@link Store#gc}. gc itself is crash-safe (see {@link Gc}). Writers (checkpoint, import, rm, gc)
 * hold the store lock exclusively, readers shared ({@link StoreLock}). A full disk is a
 * {@link StoreException} saying so; nothing is committed and the failed checkpoint's packs go.
 *
 * <h2>API for the CLI and the Sentry</h2>
 * <pre>{@code
 * try (Store store = Store.open(dir)) {                     // creates the store if needed
 *   CheckpointResult r = store.checkpoint(kernelBlob, memorySource,
 *       Labels.named("web:v1").withSource(sandboxId).withParent(lastId)
 *             .withMetadata(Map.of("layout", fingerprint)), progress);
 *   r.snapshot().id();                                      // what `cryo checkpoint` prints
 *   Snapshot s = store.restore("web:v1", memorySink, false, progress); // s.kernelState(), s.metadata()
 *   store.list(); store.inspect(ref); store.rm(ref); store.gc();
 *   store.verify(null, progress); store.exportTo(ref, file); store.importFrom(file);
 * }
 * }</pre>
 * A snapshot is named by its id (24 hex digits), a unique id prefix of 4 or more digits, or
 * {@code name[:tag]} (tag "latest" by default; the newest snapshot with that name and tag).
 * Every failure is a {@link StoreException} whose message is meant for the user.
 * {@link Progress} receives bytes done/total from worker threads, for a progress bar.
 *
 * <p>The Sentry implements {@link MemorySource} over its MemoryFile: {@code size()} its capacity,
 * {@code ranges()} its allocated ranges (best narrowed by SEEK_DATA/SEEK_HOLE, as its
 * Checkpointer does today, so that holes are never read at all), and
 * {@code readView(off, len)} a slice of its mapping ({@code Host.directBuffer(address(off), len)}),
 * so chunks are hashed and compressed in place without a copy. At restore it implements
 * {@link MemorySink} over the new memfd the same way ({@code writeView}), so chunks are
 * decompressed straight into it. Both are called from several threads on disjoint ranges.
 * With its write tracking it also answers {@code previous} and {@code written}: what each slot
 * held in the last snapshot and whether it was written since, so that a checkpoint reuses
 * unwritten slots unread and stores only the changed blocks of written ones.
 * {@link FileMemory} implements both over a plain file (tests, tools).
 *
 * <p>A JVM that writes to a store (checkpoint, import) opens the Chronicle index and needs the
 * JVM flags in FIELD-NOTES.md (this module's pom has them as {@code chronicle.jvm.flags});
 * restore, list, inspect, verify, export and rm never load Chronicle. The first write in a
 * process opens the index (~0.3-2 s); a long-lived process (the sandbox's JVM) keeps it open
 * between checkpoints until {@link Store#close}.
 *
 * <h2>Lock order</h2>
 * The in-JVM read-write lock, then the file lock ({@link StoreLock}); worker threads of one
 * operation take no store lock (the operation holds it for them).
 */
package dev.cryo.store;
