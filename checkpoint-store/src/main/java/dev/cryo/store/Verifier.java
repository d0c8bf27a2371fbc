package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * verify: every stored chunk the given snapshots use is read once, decompressed and rehashed
 * with SHA-256 on every core; each failure is reported with the snapshots that use that chunk.
 * Checks the packs against the manifests, never the reverse: the manifests were checked (their
 * own SHA-256) when read.
 */
final class Verifier {
    private Verifier() {}

    static VerifyReport verify(Packs packs, Map<String, Snapshot> snapshots, Map<String, String> damagedManifests,
            Progress progress) throws StoreException {
        Map<ChunkRef.Location, ChunkRef> chunks = new TreeMap<>(
                java.util.Comparator.comparingLong(ChunkRef.Location::packId).thenComparingLong(ChunkRef.Location::offset));
        Map<ChunkRef.Location, List<String>> users = new java.util.HashMap<>();
        long total = 0;
        for (Snapshot s : snapshots.values()) {
            for (ChunkRef c : Store.distinct(s).values()) {
                if (chunks.putIfAbsent(c.location(), c) == null) total += c.recordLength();
                users.computeIfAbsent(c.location(), k -> new ArrayList<>()).add(s.id());
            }
        }
        List<ChunkRef> list = new ArrayList<>(chunks.values());
        List<VerifyReport.Damage> damaged = Collections.synchronizedList(new ArrayList<>());
        AtomicLong done = new AtomicLong();
        long all = total;
        try {
            Parallel.run("verify", list.size(), () -> new Parallel.Worker() {
                final ByteBuffer record = ByteBuffer.allocateDirect(PackRecord.HEADER + Compression.bound(ManifestCodec.MAX_CHUNK));
                final ByteBuffer plain = ByteBuffer.allocateDirect(ManifestCodec.MAX_CHUNK);
                final Compression zstd = new Compression();

                @Override
                public void item(int i) {
                    ChunkRef c = list.get(i);
                    String why = check(c);
                    if (why != null) {
                        damaged.add(new VerifyReport.Damage(c.hashHex(), Packs.name(c.packId()), c.packOffset(), why,
                                List.copyOf(users.get(c.location()))));
                    }
                    progress.advance(done.addAndGet(c.recordLength()), all);
                }

                private String check(ChunkRef c) {
                    try {
                        packs.read(c, record);
                    } catch (StoreException e) {
                        return e.getMessage();
                    }
                    ByteBuffer out;
                    try {
                        out = SnapshotReader.content(c, record, zstd, plain);
                    } catch (StoreException e) {
                        return e.getMessage();
                    }
                    if (!Arrays.equals(Hashes.sha256(out), c.hash())) return c + " is damaged: its content does not match its hash";
                    return null;
                }

                @Override
                public void finish(boolean failed) {
                    zstd.close();
                }
            });
        } catch (IOException e) {
            throw StoreException.of("verify", e);
        }
        List<VerifyReport.Damage> sorted = new ArrayList<>(damaged);
        sorted.sort(java.util.Comparator.comparing(VerifyReport.Damage::pack).thenComparingLong(VerifyReport.Damage::packOffset));
        TreeSet<String> affected = new TreeSet<>(damagedManifests.keySet());
        for (VerifyReport.Damage d : sorted) affected.addAll(d.snapshots());
        return new VerifyReport(snapshots.size(), list.size(), total, List.copyOf(sorted), Collections.unmodifiableSet(affected),
                Map.copyOf(damagedManifests));
    }
}
