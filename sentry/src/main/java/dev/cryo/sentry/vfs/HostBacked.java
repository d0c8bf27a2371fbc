package dev.cryo.sentry.vfs;

/**
 * Something in the kernel graph that stands for a host file (DESIGN.md rule 2): saved as its
 * path plus what identifies its content, reopened by path after a restore. The restore calls
 * {@link #verifySame} on each of them before anything runs, so that a sandbox never resumes
 * reading a file other than the one it was reading.
 *
 * <p>Host-backed descriptions ({@code fs.host}: regular files, directories, O_PATH files) and
 * the host root filesystem implement it. The cryo process's own stdio is not host-backed in
 * this sense: it is rebound to the restoring process's stdio, whatever that is.
 */
public interface HostBacked {
    /**
     * Reopens the host file now (if it is not open yet) and checks it is the one that was saved.
     * A file that is gone, or is no longer the same kind of file (a directory where a regular
     * file was), always fails. A regular file whose size or mtime changed since it was opened
     * fails unless {@code acceptChanged}.
     *
     * @throws IllegalStateException saying which host file and what changed
     */
    void verifySame(boolean acceptChanged);
}
