package dev.cryo.sentry.fs.pipe;

import dev.cryo.serializer.Savable;

/** One slot of a pipe (Linux's pipe_buffer): a page holding bytes at [off, off+len). */
@Savable
public final class PipePage {
    static final int SIZE = 4096;

    final byte[] data = new byte[SIZE];
    int off;
    int len;
}
