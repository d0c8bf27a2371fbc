package dev.cryo.store;

import java.util.Arrays;

/**
 * One piece of a snapshot's memory: {@code rawLength} bytes at {@code memOffset} of the memory
 * file, taken from byte {@code skip} of the content of a stored chunk — the record at
 * {@code packOffset} of pack {@code packId}, whose {@code recordLength} raw bytes have SHA-256
 * {@code hash} and are stored in {@code storedLength} bytes after the record header,
 * zstd-compressed unless {@code raw}, with CRC32C {@code crc}. Most pieces are a whole chunk
 * ({@link #whole}); a chunk slot of which a few 512-byte blocks changed since the last snapshot
 * is made of windows into that snapshot's chunks and into one new chunk holding the changed
 * blocks (SnapshotWriter, SlotDiff). Immutable (the hash array is never changed after making).
 */
public record ChunkRef(long memOffset, int rawLength, byte[] hash, long packId, long packOffset, int storedLength,
        boolean raw, int crc, int skip, int recordLength) {
    /** Bytes of one entry in a manifest. */
    static final int BYTES = 8 + 4 + Hashes.SIZE + 8 + 8 + 4 + 1 + 4 + 4 + 4;

    /** A whole chunk at {@code memOffset}. */
    public ChunkRef(long memOffset, int rawLength, byte[] hash, long packId, long packOffset, int storedLength,
            boolean raw, int crc) {
        this(memOffset, rawLength, hash, packId, packOffset, storedLength, raw, crc, 0, rawLength);
    }

    /** Whether it places its chunk's whole content. */
    public boolean whole() {
        return skip == 0 && rawLength == recordLength;
    }

    /** The same piece stored elsewhere (gc's rewrite). */
    ChunkRef movedTo(long pack, long offset) {
        return new ChunkRef(memOffset, rawLength, hash, pack, offset, storedLength, raw, crc, skip, recordLength);
    }

    /** The same piece at another place in memory (dedup within and across snapshots). */
    ChunkRef at(long offset) {
        return new ChunkRef(offset, rawLength, hash, packId, packOffset, storedLength, raw, crc, skip, recordLength);
    }

    /** The same piece taken from {@code record}, another copy of its chunk (import). */
    ChunkRef from(ChunkRef record) {
        return new ChunkRef(memOffset, rawLength, hash, record.packId, record.packOffset, record.storedLength, record.raw,
                record.crc, skip, recordLength);
    }

    /** {@code length} bytes at {@code offset} of memory, from byte {@code from} of this chunk's content. */
    ChunkRef window(long offset, int from, int length) {
        return new ChunkRef(offset, length, hash, packId, packOffset, storedLength, raw, crc, from, recordLength);
    }

    /** Its chunk, whole (what the index keeps). */
    ChunkRef record() {
        return whole() ? this : new ChunkRef(memOffset, recordLength, hash, packId, packOffset, storedLength, raw, crc);
    }

    /** Where its bytes are: the identity gc and verify group chunks by. */
    Location location() {
        return new Location(packId, packOffset);
    }

    public String hashHex() {
        return Hashes.hex(hash);
    }

    /** A place in the packs. */
    public record Location(long packId, long offset) {}

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkRef c && c.memOffset == memOffset && c.rawLength == rawLength
                && Arrays.equals(c.hash, hash) && c.packId == packId && c.packOffset == packOffset
                && c.storedLength == storedLength && c.raw == raw && c.crc == crc && c.skip == skip
                && c.recordLength == recordLength;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(memOffset) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "chunk " + hashHex().substring(0, 16) + " at memory " + memOffset + " (pack "
                + Packs.name(packId) + " offset " + packOffset + ")";
    }
}
