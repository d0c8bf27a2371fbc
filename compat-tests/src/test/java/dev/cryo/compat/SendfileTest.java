package dev.cryo.compat;

import org.junit.jupiter.api.Test;

/**
 * sendfile's cases run in the three variants with the other families (the xfer family in
 * SyscallFamiliesTest), their save points early. Here the save point falls where sendfile has
 * left state behind: pages it spliced into a pipe, which a later write must not merge into.
 */
class SendfileTest {
    @Test
    void pagesSplicedIntoAPipeSurviveACheckpoint() {
        // Call 17 is the first sendfile (65,436 bytes in 16 spliced pages), call 25 a 10-byte
        // one that the next write must not join, call 40 a sendfile at an offset given by pointer.
        Differential.sameAfterCheckpointsAt(Program.of("xfer-ckpt", CompatEnv.compiled("xfer"), "sendfile_pipe_pages"), 17, 25, 40);
    }
}
