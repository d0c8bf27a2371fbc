package dev.cryo.sentry.checkpoint;

/**
 * A run of saved pages: {@code length} bytes of the memory file at {@code fileOffset}, stored at
 * {@code dataOffset} of the image's page data, with the CRC32C of those bytes.
 */
public record PageRun(long fileOffset, long length, long dataOffset, int crc) {
    static final int BYTES = 8 + 8 + 8 + 4;
}
