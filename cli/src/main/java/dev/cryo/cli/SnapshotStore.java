package dev.cryo.cli;

import dev.cryo.platform.host.Host;
import dev.cryo.store.Progress;
import dev.cryo.store.Store;
import dev.cryo.store.StoreException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Where snapshots live: {@code --store DIR} (before the command), else {@code $CRYO_STORE},
 * else {@code /var/lib/cryo} for root and {@code ~/.local/share/cryo} for anyone else (as
 * docker's and podman's data roots).
 */
final class SnapshotStore {
    private SnapshotStore() {}

    static Path dir(String option) {
        if (option != null && !option.isEmpty()) return Path.of(option).toAbsolutePath().normalize();
        String env = System.getenv("CRYO_STORE");
        if (env != null && !env.isEmpty()) return Path.of(env).toAbsolutePath().normalize();
        if ("root".equals(System.getProperty("user.name"))) return Path.of("/var/lib/cryo");
        String data = System.getenv("XDG_DATA_HOME");
        if (data != null && !data.isEmpty()) return Path.of(data, "cryo");
        return Path.of(System.getProperty("user.home"), ".local", "share", "cryo");
    }

    static Store open(Path dir) throws CryoException {
        try {
            return Store.open(dir);
        } catch (StoreException e) {
            throw new CryoException(e.getMessage());
        }
    }

    /** A progress bar on stderr if it is a terminal (redrawn at most every 100 ms), else nothing. */
    static Progress progress(String what) {
        if (!Host.isatty(2)) return Progress.NONE;
        return new Bar(what, System.err);
    }

    /** Ends a bar's line, if one was drawn. */
    static void done(Progress p) {
        if (p instanceof Bar b) b.finish();
    }

    private static final class Bar implements Progress {
        private final String what;
        private final PrintStream out;
        private long lastDraw;
        private boolean drawn;

        Bar(String what, PrintStream out) {
            this.what = what;
            this.out = out;
        }

        @Override
        public synchronized void advance(long done, long total) {
            long now = System.nanoTime();
            if (done < total && now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            int width = 30;
            int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
            out.printf("\r%s [%s%s] %3d%% %s/%s", what, "=".repeat(filled), " ".repeat(width - filled),
                    total <= 0 ? 100 : done * 100 / total, Sizes.human(done), Sizes.human(total));
            out.flush();
            drawn = true;
        }

        synchronized void finish() {
            if (drawn) out.print("\r\033[K");
            out.flush();
        }
    }
}
