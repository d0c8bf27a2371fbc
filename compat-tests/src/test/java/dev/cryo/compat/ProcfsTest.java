package dev.cryo.compat;

import org.junit.jupiter.api.Test;

/**
 * The Sentry's /proc: its cases run in the three variants with the other families (the procfs
 * family in SyscallFamiliesTest), their save points early. Here the save point falls while
 * /proc state is open: a status file half read, a listing of /proc/self/fd opened but not yet
 * read, descriptors reopened through /proc/self/fd and /dev/fd.
 */
class ProcfsTest {
    @Test
    void aProcFileHalfReadGoesOnWithTheSameText() {
        // ~700 calls: the open, a read of 6 bytes, then one read per byte of /proc/self/status.
        Differential.sameAfterCheckpointsAt(Program.of("procfs-read-ckpt", CompatEnv.compiled("procfs"), "read_across_checkpoint"),
                20, 300, 650);
    }

    @Test
    void descriptorsReopenedThroughProcSurviveACheckpoint() {
        // Call 16 reopened /etc/passwd through /proc/self/fd, call 21 wrote to a pipe end opened
        // through /dev/fd, call 28 opened /proc/self/fd for listing (not yet read).
        Differential.sameAfterCheckpointsAt(Program.of("procfs-fd-ckpt", CompatEnv.compiled("procfs"), "self_fd"), 16, 21, 28);
    }
}
