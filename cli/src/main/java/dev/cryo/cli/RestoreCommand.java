package dev.cryo.cli;

import dev.cryo.platform.Platform;
import dev.cryo.platform.PlatformException;
import dev.cryo.sentry.Sandbox;
import dev.cryo.sentry.checkpoint.StoreSnapshots;
import dev.cryo.sentry.syscalls.SyscallTable;
import dev.cryo.serializer.ImageException;
import dev.cryo.store.OpenSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cryo restore SNAPSHOT | --image DIR [-d [--id NAME]] [--accept-changed-files]}: brings a
 * checkpointed sandbox back, from the snapshot store (SNAPSHOT: id, id prefix or NAME[:TAG]) or
 * from a directory image. In the foreground it runs in this process and exits with the
 * program's status, as {@code cryo run} does; with {@code -d} it runs in a background JVM like
 * {@code run -d}. An {@code --id} naming a checkpointed sandbox takes that sandbox's place.
 */
@Command(name = "restore", description = "Restore a sandbox from a checkpoint image.", mixinStandardHelpOptions = true)
final class RestoreCommand extends ControlCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SNAPSHOT",
            description = "The snapshot to restore: id, id prefix, or NAME[:TAG]; a path (with a /) is a directory image.")
    String snapshot;

    @Option(names = "--image", paramLabel = "DIR", description = "Restore a directory image instead.")
    String image;

    @Option(names = {"-d", "--detach"}, description = "Run in the background; print the sandbox's id.")
    boolean detach;

    @Option(names = "--id", paramLabel = "NAME", description = "The detached sandbox's id (default: a new one).")
    String id;

    @Option(names = "--accept-changed-files",
            description = "Reopen host files even if their size or modification time changed.")
    boolean acceptChangedFiles;

    @Option(names = "--strace", description = "Print each system call with its arguments and result on stderr.")
    boolean strace;

    @Option(names = "--rootfs", paramLabel = "DIR",
            description = "Root filesystem of the restored sandbox (default: the host's /). The image's own is not trusted.")
    String rootfs = "/";

    @Override
    public Integer call() throws IOException {
        if (image == null && snapshot != null && snapshot.contains("/")) {
            // No snapshot name or id holds a '/': this is the path of a directory image, as
            // `cryo checkpoint --image DIR` wrote it (criu restore -D, runsc --image-path).
            image = snapshot;
            snapshot = null;
        }
        if ((snapshot == null) == (image == null)) throw new CryoException("restore needs a SNAPSHOT or --image DIR (one of them)");
        Path dir = image == null ? null : Path.of(image).toAbsolutePath().normalize();
        if (dir != null && !Files.isDirectory(dir)) throw new CryoException("no image at " + image);
        if (detach) return detached(dir);
        if (id != null) throw new CryoException("--id needs -d (a foreground sandbox has no id)");
        int status;
        dev.cryo.store.Store store = null;
        try {
            // The platform first: the table and the codec are being built meanwhile (Prewarm).
            Platform platform = Platforms.create();
            // A snapshot's manifest and packs are read meanwhile too: restoring from the store
            // should cost no more than from a directory.
            OpenSnapshot open = null;
            long openNanos = 0;
            if (dir == null) {
                long t = System.nanoTime();
                store = SnapshotStore.open(SnapshotStore.dir(main.store));
                open = StoreSnapshots.open(store, snapshot);
                openNanos = System.nanoTime() - t;
            }
            Sandbox restored;
            try {
                if (Main.prewarm != null) Main.prewarm.fingerprint();
                SyscallTable table = Main.prewarm != null ? Main.prewarm.table() : SyscallTable.standard();
                Sandbox.RestoreOptions options = new Sandbox.RestoreOptions(acceptChangedFiles, strace ? System.err : null,
                        table, Main.prewarm != null ? Main.prewarm.codec() : null, rootfs);
                restored = dir != null ? Sandbox.restore(platform, dir, options)
                        : Sandbox.restore(platform, Sandbox.Source.opened(open, openNanos), options);
            } catch (ImageException | RuntimeException e) {
                // The restore takes the opened snapshot over once it reads it; whatever failed
                // before (or after: closing twice is harmless) leaves its packs' descriptors here.
                if (open != null) open.close();
                throw e;
            }
            try (Sandbox sandbox = restored) {
                status = sandbox.runToExit();
            }
        } catch (ImageException e) {
            throw new CryoException("restore: " + e.getMessage());
        } catch (PlatformException e) {
            throw new CryoException(e.getMessage());
        } finally {
            if (store != null) store.close();
        }
        System.out.flush();
        return status == Sandbox.CHECKPOINTED ? 0 : status;
    }

    private int detached(Path dir) throws IOException {
        if (id != null) {
            StateDir.checkId(id);
            if (Files.isDirectory(states().dir(id))) {
                SandboxState old = states().find(id);
                if (old.status() != SandboxState.Status.CHECKPOINTED) throw new CryoException("sandbox already exists: " + id);
                states().remove(id);
            }
        }
        List<String> args = new ArrayList<>(dir != null ? List.of("--restore", dir.toString())
                : List.of("--restore-snapshot", snapshot));
        args.add("--store");
        args.add(SnapshotStore.dir(main.store).toString());
        if (acceptChangedFiles) args.add("--accept-changed-files");
        if (strace) args.add("--strace");
        args.add("--rootfs");
        args.add(rootfs);
        return Detach.start(states(), id, args, out(), err());
    }
}
