package dev.cryo.sentry.checkpoint;

import dev.cryo.platform.Regs;
import dev.cryo.sentry.kernel.Kernel;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.serializer.ImageException;
import java.util.Map;

/**
 * What a restore checks in a loaded kernel before running anything: an image is untrusted
 * input (DESIGN.md rule 5), and checksums only prove it was not damaged, not that it is sane.
 */
final class ImageChecks {
    private ImageChecks() {}

    static void check(Kernel k, boolean acceptChangedFiles) throws ImageException {
        Map<Integer, Task> tasks = k.tasks();
        if (tasks.isEmpty()) throw new ImageException("the image holds no process");
        for (Task t : tasks.values()) {
            long[] r = t.regs();
            if (r == null || r.length != Regs.COUNT || r[Regs.CS] != Regs.USER_CS || r[Regs.SS] != Regs.USER_DS) {
                throw new ImageException("task " + t.tid() + ": registers are not a user context");
            }
            String bad = t.mm() == null ? "no memory" : t.mm().checkConsistent();
            if (bad != null) throw new ImageException("task " + t.tid() + ": " + bad);
            if (t.fds() == null || t.fs() == null) throw new ImageException("task " + t.tid() + ": incomplete");
            for (int fd = 0; fd < t.fds().size(); fd++) {
                if (!t.fds().isOpen(fd)) continue;
                String f = t.fds().get(fd).checkLoaded();
                if (f != null) throw new ImageException("task " + t.tid() + ", descriptor " + fd + ": " + f);
            }
        }
        String tree = k.checkProcessTree();
        if (tree != null) throw new ImageException("process tree: " + tree);
        try {
            HostFiles.verifySame(k, acceptChangedFiles);
        } catch (IllegalStateException e) {
            throw new ImageException(e.getMessage()
                    + (acceptChangedFiles ? "" : " (restore with --accept-changed-files to take it as it is now)"));
        }
    }
}
