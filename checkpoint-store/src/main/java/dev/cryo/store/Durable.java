package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes that survive a crash at any moment: a file is written under a temporary name, synced,
 * renamed over its final name, and the directory synced, so a reader sees the old file or the
 * whole new one, never a part (the sequence ext4's and XFS's docs prescribe for rename-based
 * atomic replacement).
 */
final class Durable {
    private Durable() {}

    /** Writes {@code data} as {@code target}, atomically and durably, through {@code tmpDir} (same filesystem). */
    static void write(Path tmpDir, Path target, byte[] data) throws IOException {
        Path tmp = tmpDir.resolve(target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDir(target.getParent());
    }

    /** fsync of a directory: makes the names created, renamed or removed in it durable. */
    static void syncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Removes {@code file} durably (a no-op if it is gone). */
    static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) syncDir(file.getParent());
    }
}
