package dev.cryo.store;

import java.util.Arrays;

/**
 * One chunk of a snapshot's memory: {@code rawLength} bytes at {@code memOffset} of the memory
 * file, whose SHA-256 is {@code hash}, stored as the record at {@code packOffset} of pack
 * {@code packId} ({@code storedLength} bytes after the record header, zstd-compressed unless
 * {@code raw}, with CRC32C {@code crc}). Immutable (the hash array is never changed after making).
 */
public record ChunkRef(long memOffset, int rawLength, byte[] hash, long packId, long packOffset, int storedLength,
        boolean raw, int crc) {
    /** Bytes of one entry in a manifest. */
    static final int BYTES = 8 + 4 + Hashes.SIZE + 8 + 8 + 4 + 1 + 4;

    /** The same chunk content stored elsewhere (gc's rewrite). */
    ChunkRef movedTo(long pack, long offset) {
        return new ChunkRef(memOffset, rawLength, hash, pack, offset, storedLength, raw, crc);
    }

    /** The same stored content at another place in memory (dedup within and across snapshots). */
    ChunkRef at(long offset) {
        return new ChunkRef(offset, rawLength, hash, packId, packOffset, storedLength, raw, crc);
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
                && c.storedLength == storedLength && c.raw == raw && c.crc == crc;
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
