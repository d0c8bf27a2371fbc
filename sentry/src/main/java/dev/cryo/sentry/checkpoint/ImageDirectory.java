package dev.cryo.sentry.checkpoint;

import dev.cryo.serializer.ImageException;
import dev.cryo.serializer.ImageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image as a plain directory (issue #3's format; the snapshot store of issue #4 takes over
 * storage behind the same two calls):
 *
 * <pre>
 * DIR/pages.img   the saved pages, back to back, page aligned
 * DIR/kernel.img  an {@link ImageFile}: "meta" (text), "pages" (the index of page runs),
 *                 "kernel" (the object graph)
 * </pre>
 *
 * kernel.img is written last, through a temporary file renamed into place: it is the commit
 * point, so an interrupted checkpoint leaves no image that looks complete.
 */
public final class ImageDirectory implements ImageStore {
    static final String KERNEL = "kernel.img", PAGES = "pages.img";
    private static final Map<String, Long> CAPS = Map.of(
            "meta", 1L << 16,
            "pages", 256L << 20,
            "kernel", 1L << 30);

    private final Path dir;

    public ImageDirectory(Path dir) {
        this.dir = dir;
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    /** Creates the directory (or takes an empty one); the pages go to a temporary file in it. */
    @Override
    public Path createPages() throws IOException {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(KERNEL))) throw new FileAlreadyExistsException(dir.resolve(KERNEL).toString());
        return dir.resolve(PAGES + ".tmp");
    }

    /** Puts the page file in place and writes kernel.img: the image exists from here on. */
    @Override
    public void commit(byte[] state, List<PageRun> runs, long memoryUsage, String layout) throws IOException {
        Files.move(dir.resolve(PAGES + ".tmp"), dir.resolve(PAGES), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        ByteBuffer index = ByteBuffer.allocate(4 + runs.size() * PageRun.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        index.putInt(runs.size());
        long pageBytes = 0;
        for (PageRun r : runs) {
            index.putLong(r.fileOffset()).putLong(r.length()).putLong(r.dataOffset()).putInt(r.crc());
            pageBytes += r.length();
        }
        String meta = "format=cryo-image-dir\nversion=1\nlayout=" + layout + "\ncreated=" + Instant.now()
                + "\nmemory_allocated=" + memoryUsage
                + "\npage_bytes=" + pageBytes + "\n";
        Map<String, byte[]> sections = new LinkedHashMap<>();
        sections.put("meta", meta.getBytes(StandardCharsets.UTF_8));
        sections.put("pages", index.array());
        sections.put("kernel", state);
        ImageFile.write(dir.resolve(KERNEL), sections);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the renames themselves
        } catch (IOException e) {
            // Some filesystems cannot sync a directory; the files themselves are synced.
        }
    }

    /** Reads and checks everything but the page data itself (whose runs carry their own CRCs). */
    @Override
    public Contents read() throws ImageException {
        Path k = dir.resolve(KERNEL), p = dir.resolve(PAGES);
        if (!Files.isDirectory(dir)) throw new ImageException(dir + ": no such image directory");
        if (!Files.isRegularFile(k)) throw new ImageException(dir + ": not a Cryo image (no " + KERNEL + "; an interrupted checkpoint?)");
        Map<String, byte[]> s = ImageFile.read(k, CAPS);
        for (String need : CAPS.keySet()) {
            if (!s.containsKey(need)) throw new ImageException(k + ": section '" + need + "' is missing");
        }
        long pagesSize;
        try {
            pagesSize = Files.size(p);
        } catch (IOException e) {
            throw new ImageException(dir + ": " + PAGES + " is missing");
        }
        ByteBuffer index = ByteBuffer.wrap(s.get("pages")).order(ByteOrder.LITTLE_ENDIAN);
        if (index.remaining() < 4) throw new ImageException(k + ": page index truncated");
        int n = index.getInt();
        if (n < 0 || (long) n * PageRun.BYTES != index.remaining()) throw new ImageException(k + ": page index of " + n + " runs does not fit its section");
        List<PageRun> runs = new ArrayList<>(n);
        long lastEnd = 0;
        for (int i = 0; i < n; i++) {
            PageRun r = new PageRun(index.getLong(), index.getLong(), index.getLong(), index.getInt());
            boolean aligned = (r.fileOffset() & 4095) == 0 && (r.length() & 4095) == 0 && r.length() > 0;
            if (!aligned || r.fileOffset() < lastEnd || r.dataOffset() < 0
                    || r.dataOffset() > pagesSize || r.length() > pagesSize - r.dataOffset()) {
                throw new ImageException(k + ": page run " + i + " is out of bounds (damaged or truncated image)");
            }
            lastEnd = r.fileOffset() + r.length();
            runs.add(r);
        }
        String layout = "";
        for (String line : new String(s.get("meta"), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("layout=")) layout = line.substring("layout=".length());
        }
        return new Contents(s.get("kernel"), layout, runs, p);
    }
}
