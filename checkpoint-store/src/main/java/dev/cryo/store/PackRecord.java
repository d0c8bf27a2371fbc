package dev.cryo.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The layout of a pack file. A pack starts with a 24-byte header ("CRYOPACK", u32 version, u32
 * zero, u64 pack id) and is a sequence of chunk records, each a 56-byte header then the stored
 * bytes. Records are self-describing (a pack can be read without any manifest) and each header
 * carries its own CRC, so a torn tail after a crash is recognised, never misread. Little-endian.
 *
 * <pre>
 *  0 u32 magic "CRKC"     4 u8 flags (bit 0: raw, not compressed), 3 zero bytes
 *  8 u32 raw length      12 u32 stored length
 * 16 [32] SHA-256 of the raw bytes
 * 48 u32 CRC32C of the stored bytes   52 u32 CRC32C of header bytes 0..52
 * </pre>
 */
final class PackRecord {
    static final long FILE_MAGIC = 0x4b4341504f595243L; // "CRYOPACK" read little-endian
    static final int FILE_VERSION = 1;
    static final int FILE_HEADER = 24;
    static final int MAGIC = 0x434b5243; // "CRKC"
    static final int HEADER = 56;
    static final int FLAG_RAW = 1;

    private PackRecord() {}

    static ByteBuffer fileHeader(long packId) {
        ByteBuffer b = ByteBuffer.allocate(FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(FILE_MAGIC).putInt(FILE_VERSION).putInt(0).putLong(packId).flip();
        return b;
    }

    /** Writes the header of a record into {@code h} (cleared, then flipped for writing). */
    static void header(ByteBuffer h, boolean raw, int rawLength, int storedLength, byte[] hash, int crc) {
        h.clear().order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC).put((byte) (raw ? FLAG_RAW : 0)).put((byte) 0).putShort((short) 0);
        h.putInt(rawLength).putInt(storedLength).put(hash).putInt(crc);
        CRC32C c = new CRC32C();
        c.update(h.array(), 0, 52);
        h.putInt((int) c.getValue()).flip();
    }

    /** A decoded record header, or the reason it is not one. */
    record Header(boolean raw, int rawLength, int storedLength, byte[] hash, int crc) {}

    /** Decodes the 56 bytes at {@code h}'s position; null if they are not a valid record header. */
    static Header parse(ByteBuffer h, int maxRaw) {
        ByteBuffer b = h.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        if (b.remaining() < HEADER || b.getInt(p) != MAGIC) return null;
        CRC32C c = new CRC32C();
        c.update(b.duplicate().position(p).limit(p + 52));
        if ((int) c.getValue() != b.getInt(p + 52)) return null;
        int flags = b.get(p + 4);
        int rawLength = b.getInt(p + 8), stored = b.getInt(p + 12);
        boolean raw = (flags & FLAG_RAW) != 0;
        if ((flags & ~FLAG_RAW) != 0 || rawLength <= 0 || rawLength > maxRaw || stored <= 0
                || stored > Compression.bound(maxRaw) || (raw && stored != rawLength)) {
            return null;
        }
        byte[] hash = new byte[Hashes.SIZE];
        b.get(p + 16, hash);
        return new Header(raw, rawLength, stored, hash, b.getInt(p + 48));
    }
}
