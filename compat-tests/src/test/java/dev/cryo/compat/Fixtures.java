package dev.cryo.compat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Host files the cases read, generated deterministically under target/compat at test time
 * (same bytes on every run and every host), once per build.
 */
final class Fixtures {
    private Fixtures() {}

    static final long BIG_FILE_SIZE = 64L << 20;
    static final int LINES = 150_000;

    /** A 64 MiB file of pseudo-random bytes (xorshift64*, fixed seed). */
    static synchronized Path bigFile() {
        Path p = CompatEnv.work().resolve("fixtures/big-64MiB.bin");
        try {
            if (Files.exists(p) && Files.size(p) == BIG_FILE_SIZE) return p;
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling("big.tmp");
            long x = 0x9E3779B97F4A7C15L;
            byte[] chunk = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (long done = 0; done < BIG_FILE_SIZE; done += chunk.length) {
                    for (int i = 0; i < chunk.length; i += 8) {
                        x ^= x >>> 12;
                        x ^= x << 25;
                        x ^= x >>> 27;
                        long v = x * 0x2545F4914F6CDD1DL;
                        for (int k = 0; k < 8; k++) chunk[i + k] = (byte) (v >>> (8 * k));
                    }
                    out.write(chunk);
                }
            }
            Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A text file of {@link #LINES} lines in pseudo-random order, with duplicates, numbers of
     * varying width and mixed case, so that sort, wc and head have real work to do.
     */
    static synchronized Path linesFile() {
        Path p = CompatEnv.work().resolve("fixtures/lines.txt");
        try {
            if (Files.exists(p)) return p;
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling("lines.tmp");
            String[] words = {"alpha", "Bravo", "charlie", "delta", "Echo", "foxtrot", "golf", "hotel",
                    "India", "juliet", "kilo", "lima", "Mike", "november", "oscar", "papa"};
            long x = 42;
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                for (int i = 0; i < LINES; i++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                    int r = (int) (x >>> 33);
                    w.write(words[r & 15]);
                    w.write(' ');
                    w.write(Integer.toString((r >>> 4) % 100_000));
                    w.write(' ');
                    w.write(words[(r >>> 20) & 15]);
                    if ((r & 0x300) == 0) w.write("\tGPL-2+ tab");
                    w.write('\n');
                }
            }
            Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A directory tree (4 levels, ~300 files, some containing "GPL" on some lines, a symlink,
     * an empty directory, names that sort differently in different locales).
     */
    static synchronized Path tree() {
        Path root = CompatEnv.work().resolve("fixtures/tree");
        try {
            if (Files.exists(root.resolve(".complete"))) return root;
            Files.createDirectories(root);
            makeTree(root, 0, 1);
            Files.createDirectories(root.resolve("empty-dir"));
            Path link = root.resolve("link-to-d0");
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("d0/file-0.txt"));
            }
            Files.writeString(root.resolve(".complete"), "");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int makeTree(Path dir, int depth, int seed) throws IOException {
        for (int f = 0; f < 6; f++) {
            StringBuilder sb = new StringBuilder();
            for (int l = 0; l < 20 + seed % 17; l++) {
                seed = seed * 1103515245 + 12345 & 0x7fffffff;
                sb.append("line ").append(l).append(" of ").append(dir.getFileName()).append('/').append(f);
                if (seed % 7 == 0) sb.append(" licensed under the GPL version ").append(seed % 3 + 1);
                sb.append('\n');
            }
            Files.writeString(dir.resolve((f % 2 == 0 ? "file-" : "File_") + f + ".txt"), sb);
        }
        if (depth < 3) {
            for (int d = 0; d < 3; d++) {
                Path sub = dir.resolve("d" + d);
                Files.createDirectories(sub);
                seed = makeTree(sub, depth + 1, seed + d);
            }
        }
        return seed;
    }
}
