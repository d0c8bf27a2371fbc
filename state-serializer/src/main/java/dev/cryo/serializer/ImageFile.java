package dev.cryo.serializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The image container: magic, format version, and named sections, each with its length and a
 * CRC32C. Reading checks everything (magic, version, section table, sizes against caps and the
 * file's length, every checksum) before returning any byte, so a corrupt, truncated, foreign or
 * hostile file is refused before anything is built from it. Writing goes to a temporary file
 * that is synced and renamed into place: a crash never leaves a half-written image.
 *
 * <pre>
 * header:  "CRYOIMG\0" | u32 version | u32 section count | u32 CRC32C of the section table
 * table:   per section: u16 name length | name (UTF-8) | u64 offset | u64 length | u32 CRC32C
 * data:    the sections, at their offsets
 * </pre>
 */
public final class ImageFile {
    public static final byte[] MAGIC = "CRYOIMG\0".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    private static final int MAX_SECTIONS = 64;
    private static final int MAX_NAME = 64;
    private static final int HEADER = MAGIC.length + 12;

    private ImageFile() {}

    /** Writes {@code sections} atomically to {@code path}. */
    public static void write(Path path, Map<String, byte[]> sections) throws IOException {
        if (sections.size() > MAX_SECTIONS) throw new IllegalArgumentException("too many sections");
        ByteBuffer table = ByteBuffer.allocate(sections.size() * (2 + MAX_NAME + 20)).order(ByteOrder.LITTLE_ENDIAN);
        int tableSize = 0;
        for (String name : sections.keySet()) tableSize += 2 + name.getBytes(StandardCharsets.UTF_8).length + 20;
        long offset = HEADER + tableSize;
        for (Map.Entry<String, byte[]> e : sections.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length == 0 || name.length > MAX_NAME) throw new IllegalArgumentException("bad section name " + e.getKey());
            table.putShort((short) name.length).put(name).putLong(offset).putLong(e.getValue().length).putInt(crc(e.getValue()));
            offset += e.getValue().length;
        }
        table.flip();
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putInt(sections.size()).putInt(crc(table.duplicate()));
        header.flip();
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(ch, header);
            writeFully(ch, table);
            for (byte[] data : sections.values()) writeFully(ch, ByteBuffer.wrap(data));
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads and checks an image; {@code caps} gives the largest size allowed per section name
     * (a section not named there is refused). Returns the sections in file order.
     */
    public static Map<String, byte[]> read(Path path, Map<String, Long> caps) throws ImageException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < HEADER) throw new ImageException(path + ": truncated image (" + fileSize + " bytes)");
            ByteBuffer header = readAt(ch, 0, HEADER);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new ImageException(path + ": not a Cryo image (bad magic)");
            int version = header.getInt();
            if (version != VERSION) {
                throw new ImageException(path + ": image format version " + Integer.toUnsignedString(version)
                        + " is not supported (this cryo reads version " + VERSION + ")");
            }
            int count = header.getInt();
            int tableCrc = header.getInt();
            if (count < 0 || count > MAX_SECTIONS) throw new ImageException(path + ": bad section count " + count);
            int tableMax = count * (2 + MAX_NAME + 20);
            ByteBuffer table = readAt(ch, HEADER, (int) Math.min(tableMax, fileSize - HEADER));
            Map<String, long[]> entries = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                if (table.remaining() < 2) throw new ImageException(path + ": truncated section table");
                int nameLen = table.getShort() & 0xffff;
                if (nameLen == 0 || nameLen > MAX_NAME || table.remaining() < nameLen + 20) {
                    throw new ImageException(path + ": bad section table entry " + i);
                }
                byte[] name = new byte[nameLen];
                table.get(name);
                String n = new String(name, StandardCharsets.UTF_8);
                long off = table.getLong(), len = table.getLong();
                int crc = table.getInt();
                Long cap = caps.get(n);
                if (cap == null) throw new ImageException(path + ": unknown section '" + n + "'");
                if (len < 0 || len > cap) throw new ImageException(path + ": section '" + n + "' of " + len + " bytes exceeds its cap of " + cap);
                if (off < HEADER || off > fileSize || len > fileSize - off) {
                    throw new ImageException(path + ": section '" + n + "' lies outside the file (truncated?)");
                }
                if (entries.put(n, new long[] {off, len, crc}) != null) throw new ImageException(path + ": duplicate section '" + n + "'");
            }
            ByteBuffer tableBytes = table.duplicate();
            tableBytes.flip();
            if (crc(tableBytes) != tableCrc) throw new ImageException(path + ": section table checksum mismatch");
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : entries.entrySet()) {
                long[] v = e.getValue();
                ByteBuffer b = readAt(ch, v[0], (int) v[1]);
                byte[] data = new byte[(int) v[1]];
                b.get(data);
                if (crc(data) != (int) v[2]) throw new ImageException(path + ": section '" + e.getKey() + "' checksum mismatch (corrupt image)");
                out.put(e.getKey(), data);
            }
            return out;
        } catch (IOException e) {
            throw new ImageException(path + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException, ImageException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) throw new ImageException("truncated image");
        }
        b.flip();
        return b;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    static int crc(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return (int) c.getValue();
    }

    static int crc(ByteBuffer data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return (int) c.getValue();
    }
}
