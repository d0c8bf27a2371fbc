package dev.cryo.cli;

import dev.cryo.store.Inspection;
import dev.cryo.store.Progress;
import dev.cryo.store.Snapshot;
import dev.cryo.store.SnapshotSummary;
import dev.cryo.store.Store;
import dev.cryo.store.StoreException;
import dev.cryo.store.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cryo snapshot list|inspect|rm|gc|verify|export|import}: the snapshot store (issue #4),
 * as {@code docker image ls/inspect/rm/prune} and {@code docker save/load} manage images.
 * {@code cryo snapshots} is {@code cryo snapshot list}.
 */
@Command(name = "snapshot", description = "Manage the snapshot store.", mixinStandardHelpOptions = true,
        subcommands = {SnapshotCommand.ListCmd.class, SnapshotCommand.Inspect.class, SnapshotCommand.Rm.class,
            SnapshotCommand.GcCmd.class, SnapshotCommand.Verify.class, SnapshotCommand.Export.class,
            SnapshotCommand.Import.class})
final class SnapshotCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** What the subcommands share: the store and the output. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        Object parent; // SnapshotCommand, or Main for `cryo snapshots`

        @Spec
        CommandSpec spec;

        Main main() {
            return parent instanceof SnapshotCommand s ? s.main : (Main) parent;
        }

        Store store() {
            ChroniclePosix.install(); // import and gc open the index
            return SnapshotStore.open(SnapshotStore.dir(main().store));
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public final Integer call() throws Exception {
            try (Store s = store()) {
                return run(s);
            } catch (StoreException e) {
                throw new CryoException(e.getMessage());
            }
        }

        abstract int run(Store store) throws Exception;
    }

    @Command(name = "list", aliases = "ls", description = "List snapshots.", mixinStandardHelpOptions = true)
    static final class ListCmd extends Sub {
        @Option(names = {"-q", "--quiet"}, description = "Print only the ids.")
        boolean quiet;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "table (default) or json.")
        String format = "table";

        @Override
        int run(Store store) throws Exception {
            if (!format.equals("table") && !format.equals("json")) {
                throw new CryoException("invalid format '" + format + "': use table or json");
            }
            List<SnapshotSummary> all = store.list();
            PrintWriter out = out();
            if (quiet) {
                all.forEach(s -> out.println(s.id()));
            } else if (format.equals("json")) {
                List<Object> json = new ArrayList<>();
                for (SnapshotSummary s : all) json.add(summaryJson(s));
                out.println(Json.write(json));
            } else {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"NAME", "ID", "CREATED", "SIZE", "STORED", "UNIQUE", "SOURCE"});
                for (SnapshotSummary s : all) {
                    rows.add(new String[] {s.name().isEmpty() ? "<none>" : s.name() + ":" + s.tag(), s.id().substring(0, 12),
                        Instant.ofEpochMilli(s.created()).toString().replaceAll("\\.\\d+Z$", "Z"),
                        Sizes.human(s.logicalSize()), Sizes.human(s.storedSize()), Sizes.human(s.uniqueBytes()),
                        s.source().isEmpty() ? "-" : s.source()});
                }
                PsCommand.printTable(out, rows);
            }
            return 0;
        }
    }

    static Map<String, Object> summaryJson(SnapshotSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        m.put("tag", s.tag());
        m.put("created", Instant.ofEpochMilli(s.created()).toString());
        m.put("logicalSize", s.logicalSize());
        m.put("storedSize", s.storedSize());
        m.put("uniqueBytes", s.uniqueBytes());
        m.put("source", s.source());
        m.put("parent", s.parent());
        m.put("chunks", s.chunks());
        return m;
    }

    @Command(name = "inspect", description = "Show a snapshot as JSON.", mixinStandardHelpOptions = true)
    static final class Inspect extends Sub {
        @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Id, id prefix, or NAME[:TAG].")
        String ref;

        @Option(names = "--chunks", description = "List every chunk (hash, location, size, sharing).")
        boolean chunks;

        @Override
        int run(Store store) throws Exception {
            Inspection in = store.inspect(ref);
            Snapshot s = in.snapshot();
            Map<String, Object> m = summaryJson(in.summary());
            m.put("kernelStateBytes", s.kernelState().length);
            m.put("processes", SnapshotMetadata.processes(s.metadata()));
            m.put("openFiles", SnapshotMetadata.files(s.metadata()));
            Map<String, Object> mem = new LinkedHashMap<>();
            mem.put("fileSize", s.fileSize());
            mem.put("allocated", s.logicalSize());
            mem.put("zeroBytes", in.zeroBytes());
            mem.put("chunkSize", s.chunkSize());
            m.put("memory", mem);
            Map<String, Object> dedup = new LinkedHashMap<>();
            dedup.put("chunks", s.chunks().size());
            dedup.put("distinctChunks", in.distinctChunks());
            dedup.put("sharedWithOtherSnapshots", in.sharedChunks());
            dedup.put("sharedStoredBytes", in.sharedStoredBytes());
            dedup.put("manifestBytes", in.manifestBytes());
            m.put("dedup", dedup);
            if (chunks) {
                List<Object> list = new ArrayList<>();
                for (Inspection.Chunk c : in.chunks()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("offset", c.memOffset());
                    cm.put("length", c.rawLength());
                    cm.put("hash", c.hash());
                    // A piece of a chunk (a written slot's unchanged or changed blocks): where in it.
                    cm.put("chunkOffset", c.skip());
                    cm.put("chunkLength", c.recordLength());
                    cm.put("pack", c.pack());
                    cm.put("packOffset", c.packOffset());
                    cm.put("stored", c.storedLength());
                    cm.put("compressed", !c.raw());
                    cm.put("otherSnapshots", c.otherSnapshots());
                    list.add(cm);
                }
                m.put("chunkList", list);
            }
            out().println(Json.write(m));
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove snapshots (their chunks go at the next gc).",
            mixinStandardHelpOptions = true)
    static final class Rm extends Sub {
        @Parameters(arity = "1..*", paramLabel = "SNAPSHOT")
        List<String> refs;

        @Override
        int run(Store store) throws Exception {
            int status = 0;
            for (String r : refs) {
                try {
                    out().println(store.rm(r));
                } catch (StoreException e) {
                    spec.commandLine().getErr().println("cryo: " + e.getMessage());
                    status = 1;
                }
            }
            return status;
        }
    }

    @Command(name = "gc", aliases = "prune", description = "Reclaim the space no snapshot uses.",
            mixinStandardHelpOptions = true)
    static final class GcCmd extends Sub {
        @Override
        int run(Store store) throws Exception {
            var r = store.gc();
            out().printf("reclaimed %s: %d pack(s) deleted, %d rewritten, %d leftover file(s) removed%n",
                    Sizes.human(r.bytesReclaimed()), r.packsDeleted(), r.packsRewritten(), r.tmpFilesRemoved());
            return 0;
        }
    }

    @Command(name = "verify", description = "Rehash every chunk (of one snapshot, or all); name what is damaged.",
            mixinStandardHelpOptions = true)
    static final class Verify extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SNAPSHOT")
        String ref;

        @Override
        int run(Store store) throws Exception {
            Progress p = SnapshotStore.progress("verify");
            VerifyReport r;
            try {
                r = store.verify(ref, p);
            } finally {
                SnapshotStore.done(p);
            }
            PrintWriter out = out();
            for (var e : r.damagedManifests().entrySet()) out.println("damaged manifest " + e.getKey() + ": " + e.getValue());
            for (VerifyReport.Damage d : r.damaged()) {
                out.println("damaged chunk " + d.hash() + " in " + d.pack() + " at " + d.packOffset() + ": " + d.reason()
                        + "; used by " + String.join(", ", d.snapshots()));
            }
            if (!r.affectedSnapshots().isEmpty()) {
                out.println("affected snapshots: " + String.join(", ", r.affectedSnapshots()));
            }
            out.printf("%d snapshot(s), %d chunk(s), %s checked: %s%n", r.snapshotsChecked(), r.chunksChecked(),
                    Sizes.human(r.bytesChecked()), r.clean() ? "ok" : "DAMAGED");
            return r.clean() ? 0 : 1;
        }
    }

    @Command(name = "export", description = "Write a snapshot to one self-contained file.", mixinStandardHelpOptions = true)
    static final class Export extends Sub {
        @Parameters(index = "0", paramLabel = "SNAPSHOT")
        String ref;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE")
        String file;

        @Override
        int run(Store store) throws Exception {
            store.exportTo(ref, Path.of(file));
            return 0;
        }
    }

    @Command(name = "import", description = "Add a snapshot from a file written by export.", mixinStandardHelpOptions = true)
    static final class Import extends Sub {
        @Parameters(index = "0", paramLabel = "FILE")
        String file;

        @Override
        int run(Store store) throws Exception {
            Snapshot s = store.importFrom(Path.of(file));
            out().println(s.id());
            return 0;
        }
    }
}
