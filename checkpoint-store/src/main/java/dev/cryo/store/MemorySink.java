package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A fresh memory file a restore fills (zero everywhere it does not write). The Sentry implements
 * it over its new memfd; {@link FileMemory} over any file. Called from several threads at once,
 * on disjoint stretches.
 */
public interface MemorySink {
    /** Writes {@code src} (its remaining bytes) at {@code offset}. */
    void write(long offset, ByteBuffer src) throws IOException;

    /**
     * A writable view of {@code length} bytes at {@code offset} (for an mmap'd memfd, a slice of
     * the mapping: chunks are then decompressed straight into it), or null to go through
     * {@link #write}.
     */
    default ByteBuffer writeView(long offset, int length) {
        return null;
    }
}
