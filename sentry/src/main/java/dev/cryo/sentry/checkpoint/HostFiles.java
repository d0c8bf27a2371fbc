package dev.cryo.sentry.checkpoint;

import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.vfs.FdTable;
import dev.cryo.sentry.vfs.HostBacked;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The restore's check of the host side (DESIGN.md rules 2 and 5): every host file a restored
 * kernel holds open is reopened by path and compared with what was saved, before any task runs,
 * so that a missing or changed file is one clear error rather than a program reading other bytes.
 */
public final class HostFiles {
    private HostFiles() {}

    /**
     * Reopens and checks the kernel's host root and every {@link HostBacked} description in its
     * tasks' descriptor tables (each shared description once).
     *
     * @param acceptChanged accept regular files whose size or mtime changed (never missing ones)
     * @throws IllegalStateException naming the first host file that is not the saved one
     */
    public static void verifySame(Kernel kernel, boolean acceptChanged) {
        kernel.vfs().verifySame(acceptChanged);
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Task t : kernel.tasks().values()) {
            FdTable fds = t.fds();
            if (fds == null || !seen.add(fds)) continue;
            for (int fd = 0; fd < fds.size(); fd++) {
                if (fds.isOpen(fd) && fds.get(fd) instanceof HostBacked h && seen.add(h)) {
                    h.verifySame(acceptChanged);
                }
            }
        }
    }
}
