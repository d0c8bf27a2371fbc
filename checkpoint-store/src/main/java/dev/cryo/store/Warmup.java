package dev.cryo.store;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * A rehearsal of a checkpoint's per-chunk work on scratch data, in memory: the zero test,
 * SHA-256, an index lookup, zstd, CRC32C, the record header, a pack append (to /dev/null), and
 * index insertions into a scratch Chronicle Map built as the real one. The chunks are read-only
 * direct buffers, as the memory file's views are: another buffer class would leave the compiled
 * code's type profile wrong, and the checkpoint would recompile it. In a fresh JVM the first checkpoint of 200 MiB is mostly
 * the JIT at work: its C2 and C1 threads took ~800 and ~300 ms of CPU during it on 2 cores
 * (Chronicle's query-context methods are large), and SHA-256 runs 10x slower until compiled.
 * Done once, ahead, by a process that will write later (a sandbox's host), that work is off the
 * checkpoint's path. Nothing is written to disk.
 */
final class Warmup {
    /** About as many lookups and insertions as a 200 MiB checkpoint makes: C2 compiles past ~10^4 calls. */
    static final int CHUNKS = 4096;
    private static final int CHUNK = Store.CHUNK_SIZE;

    private Warmup() {}

    /** Rehearses {@code chunks} chunks, or fewer if {@code stop} turns true (a real checkpoint began). */
    static void run(int chunks, java.util.function.BooleanSupplier stop) throws java.io.IOException {
        ByteBuffer data = ByteBuffer.allocateDirect(16 * CHUNK);
        SplittableRandom r = new SplittableRandom(chunks);
        while (data.remaining() >= 8) data.putLong(r.nextLong());
        // Half the chunks compressible (zstd takes its other path on them), half random.
        for (int i = 0; i < 8 * CHUNK; i += 64) data.put(i, (byte) 0).putInt(i + 4, i & 0xff);
        ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer packed = ByteBuffer.allocateDirect(Compression.bound(CHUNK));
        ByteBuffer header = ByteBuffer.allocate(PackRecord.HEADER);
        CRC32C crc = new CRC32C();
        List<ChunkRef> batch = new ArrayList<>();
        // The headers as a pack holds them, for the second pass's checks (a read-only direct
        // buffer, the class of a pack's read-only mapping).
        ByteBuffer headers = ByteBuffer.allocateDirect(chunks * PackRecord.HEADER);
        List<ChunkRef> all = new ArrayList<>(chunks);
        // Records are appended as to a pack, to /dev/null: the same channel code, no disk.
        try (Compression zstd = new Compression(); ChunkIndex ix = ChunkIndex.scratch(2L * chunks);
                Packs.Writer pack = new Packs.Writer(0, FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE))) {
            boolean cut = false;
            for (int i = 0; i < chunks; i++) {
                if (stop.getAsBoolean()) {
                    cut = true;
                    break;
                }
                int slot = (i % 16) * CHUNK;
                data.putInt(slot + CHUNK - 4, i); // every chunk distinct
                ByteBuffer b = data.slice(slot, CHUNK).asReadOnlyBuffer(); // as a view of the memory file is
                if (b.mismatch(zeros) == -1) continue;
                byte[] hash = Hashes.sha256(b);
                if (ix.get(hash) != null) continue;
                int n = zstd.compress(b, packed);
                ByteBuffer stored = n < 0 ? b.duplicate() : packed;
                crc.reset();
                crc.update(stored.duplicate());
                int storedLength = stored.remaining();
                PackRecord.header(header, n < 0, CHUNK, storedLength, hash, (int) crc.getValue());
                pack.append(header, stored);
                int at = all.size() * PackRecord.HEADER;
                headers.put(at, header, 0, PackRecord.HEADER);
                ChunkRef ref = new ChunkRef(0, CHUNK, hash, 1, at, storedLength, n < 0, (int) crc.getValue());
                batch.add(ref);
                all.add(ref);
                if (batch.size() == 256) {
                    ix.putAll(batch);
                    batch.clear();
                }
            }
            ix.putAll(batch);
            // A checkpoint of a sandbox checkpointed before finds its chunks stored: the index
            // hits and the check of each hit's record header (Packs.holds), ~50 ms the first
            // times it ran through the CLI's second checkpoint (measured).
            ByteBuffer stored = headers.asReadOnlyBuffer();
            for (int i = 0; i < all.size() && !cut; i++) {
                cut = stop.getAsBoolean();
                if (cut) break;
                ChunkRef known = ix.get(all.get(i).hash());
                if (known == null || !Packs.holdsIn(stored, known, CHUNK)) {
                    throw new IllegalStateException("warm-up: a chunk just indexed is not found as stored");
                }
                known.at(i);
            }
        }
    }
}
