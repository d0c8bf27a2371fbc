package dev.cryo.sentry.checkpoint;

import dev.cryo.serializer.ImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a checkpoint's bytes live, kept apart from how they are made: a plain directory today
 * ({@link ImageDirectory}); the content-addressed snapshot store takes over behind these calls.
 * A checkpoint writes the page data, then commits the kernel state and the page index: nothing
 * is an image before {@link #commit} returns.
 */
public interface ImageStore {
    /** The (new, empty) file the saved pages are written to, in order. */
    Path createPages() throws IOException;

    /**
     * Makes the image whole and durable: the object graph, the page runs, the memory in use, and
     * the fingerprint of the layout the graph was written with.
     */
    void commit(byte[] kernelState, List<PageRun> runs, long memoryUsage, String layout) throws IOException;

    /** The checked contents of a committed image; the page data is read at {@code pages}. */
    Contents read() throws ImageException;

    /** A committed image: the object graph and its layout, the runs of saved pages, and the file holding them. */
    record Contents(byte[] kernelState, String layout, List<PageRun> runs, Path pages) {}
}
