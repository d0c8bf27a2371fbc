package dev.cryo.sentry.fs.pipe;

import dev.cryo.serializer.Savable;

/** One slot of a pipe (Linux's pipe_buffer): a page holding bytes at [off, off+len). */
@Savable
public final class PipePage {
    static final int SIZE = 4096;

    final byte[] data = new byte[SIZE];
    int off;
    int len;
    /**
     * Filled by sendfile (a spliced page): a later write does not add to it, as Linux merges
     * only into pages that write made (PIPE_BUF_FLAG_CAN_MERGE).
     */
    boolean spliced;
}
