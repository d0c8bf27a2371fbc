package dev.cryo.sentry.kernel.proc;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.ENXIO;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.fs.pipe.PipeFile;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.OpenFlags;

/**
 * /proc/PID/fd/N followed, where the description has no path in the tree: a pipe (opening it
 * opens a new end of that pipe, as opening a FIFO does), or the cryo process's stdio (shared:
 * {@code echo hi > /dev/stderr}). A socket or an anonymous file cannot be opened so (ENXIO).
 */
final class Reopen implements Node {
    private final String path;
    private final FileDescription d;

    Reopen(String path, FileDescription d) {
        this.path = path;
        this.d = d;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public byte[] stat() {
        return d.stat();
    }

    @Override
    public byte[] statfs() {
        return d.statfs();
    }

    @Override
    public byte[] readlink() {
        throw SyscallError.of(EINVAL);
    }

    @Override
    public boolean inReadOnlyTree() {
        return false; // what it opens is not a file of the read-only root
    }

    @Override
    public FileDescription open(int flags) {
        // O_PATH opens nothing: no new end of a pipe (it would count as a reader or a writer).
        if ((flags & OpenFlags.O_PATH) != 0) return new ProcFile(flags, path, new byte[0], d.stat());
        if (d instanceof PipeFile p) return p.reopen(flags);
        if (d.path().startsWith("/dev/fd/")) return d; // the descriptor table takes its own reference
        throw SyscallError.of(ENXIO);
    }

    @Override
    public void close() {}
}
