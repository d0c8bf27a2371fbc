package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A memory file kept in an ordinary (sparse) file: a {@link MemorySource} over given ranges and a
 * {@link MemorySink}, both by positional reads and writes. For tests, benchmarks and tools; also
 * usable over a memfd through {@code /proc/self/fd/N}.
 */
public final class FileMemory implements MemorySource, MemorySink, AutoCloseable {
    private final FileChannel ch;
    private final List<Range> ranges;
    private final long size;

    private FileMemory(FileChannel ch, List<Range> ranges, long size) {
        this.ch = ch;
        this.ranges = List.copyOf(ranges);
        this.size = size;
    }

    /** Reads the file at {@code path}; {@code ranges} are where it holds data. */
    public static FileMemory source(Path path, List<Range> ranges) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        return new FileMemory(ch, ranges, ch.size());
    }

    /** Creates (or empties) the file at {@code path}, {@code size} bytes long and sparse, to restore into. */
    public static FileMemory sink(Path path, long size) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        if (size > 0) ch.write(ByteBuffer.allocate(1), size - 1); // sets the length, leaves a hole
        return new FileMemory(ch, List.of(), size);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<Range> ranges() {
        return ranges;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) { // past the end of the file reads as zero, as in a memfd
                while (dst.hasRemaining()) dst.put((byte) 0);
                return;
            }
            pos += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) pos += ch.write(src, pos);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
