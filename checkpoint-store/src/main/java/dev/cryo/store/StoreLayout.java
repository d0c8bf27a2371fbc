package dev.cryo.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are in a store directory:
 * <pre>
 * STORE/lock                 the store lock ({@link StoreLock})
 * STORE/packs/pack-*.pack    chunk records, append-only ({@link PackRecord})
 * STORE/snapshots/*.snap     one manifest per committed snapshot ({@link ManifestCodec})
 * STORE/index/chunks-N.cmap  the chunk index, derived ({@link ChunkIndex})
 * STORE/tmp/                 files being written; anything here when gc runs is a leftover
 * </pre>
 */
record StoreLayout(Path root, Packs packs, Manifests manifests) {
    private static final String[] DIRS = {"packs", "snapshots", "index", "tmp"};

    static StoreLayout create(Path root, int maxChunk) throws IOException {
        for (String d : DIRS) Files.createDirectories(root.resolve(d));
        return new StoreLayout(root, new Packs(root.resolve("packs"), maxChunk),
                new Manifests(root.resolve("snapshots"), root.resolve("tmp")));
    }

    static boolean exists(Path root) {
        for (String d : DIRS) {
            if (!Files.isDirectory(root.resolve(d))) return false;
        }
        return true;
    }

    Path packsDir() {
        return root.resolve("packs");
    }

    Path indexDir() {
        return root.resolve("index");
    }

    Path tmpDir() {
        return root.resolve("tmp");
    }

    Path lockFile() {
        return root.resolve("lock");
    }
}
