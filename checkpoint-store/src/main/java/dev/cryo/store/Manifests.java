package dev.cryo.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed snapshots: one manifest per snapshot, {@code snapshots/<id>.snap}. A snapshot
 * exists exactly when its manifest does; it is written last, atomically ({@link Durable}).
 */
final class Manifests {
    private static final String EXT = ".snap";
    private final Path dir;
    private final Path tmp;

    Manifests(Path dir, Path tmp) {
        this.dir = dir;
        this.tmp = tmp;
    }

    Path path(String id) {
        return dir.resolve(id + EXT);
    }

    /** Ids of the committed snapshots, sorted. */
    List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + EXT)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                String id = n.substring(0, n.length() - EXT.length());
                if (Snapshot.ID.matcher(id).matches()) ids.add(id);
            }
        }
        ids.sort(null);
        return ids;
    }

    /** Whether manifest {@code id} (a valid id) is there. */
    boolean exists(String id) {
        return Files.isRegularFile(path(id));
    }

    /** Manifest {@code id}, its body checked by its zstd checksum if it has one (else by SHA-256). */
    Snapshot read(String id) throws StoreException {
        return read(id, false);
    }

    /** Manifest {@code id}, its body checked against its SHA-256 (verify). */
    Snapshot readRehashed(String id) throws StoreException {
        return read(id, true);
    }

    private Snapshot read(String id, boolean rehash) throws StoreException {
        byte[] b;
        try {
            b = Files.readAllBytes(path(id));
        } catch (NoSuchFileException e) {
            throw new StoreException("no snapshot " + id, e);
        } catch (IOException e) {
            throw StoreException.of("snapshot " + id + ": manifest cannot be read", e);
        }
        Snapshot s = ManifestCodec.decode(b, "snapshot " + id, rehash);
        if (!s.id().equals(id)) throw new StoreException("snapshot " + id + ": manifest names another id, " + s.id());
        return s;
    }

    /** The summary of manifest {@code id} from its first bytes, or null if it cannot be read that way. */
    ManifestCodec.Summary summary(String id) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path(id))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(ch.size(), ManifestCodec.SUMMARY_READ));
            while (b.hasRemaining() && ch.read(b) > 0) {}
            return ManifestCodec.summary(java.util.Arrays.copyOf(b.array(), b.position()));
        } catch (IOException e) {
            return null;
        }
    }

    /** Commits {@code s}: from now on it exists (or replaces its earlier manifest: gc's moves). */
    void write(Snapshot s) throws IOException {
        Durable.write(tmp, path(s.id()), ManifestCodec.encode(s));
    }

    void delete(String id) throws IOException {
        Durable.delete(path(id));
    }
}
