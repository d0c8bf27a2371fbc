package dev.cryo.sentry.fs.host;

/**
 * An O_PATH description of a host file: a position in the tree (a dirfd, fchdir, fstat), never
 * read or written. The descriptor table refuses it for I/O with EBADF.
 */
final class HostPathFile extends HostDescription {
    HostPathFile(HostFilesystem fs, String path, int flags, int hostFd) {
        super(fs, path, flags, hostFd);
    }

    /** For Kryo. */
    HostPathFile() {}

    @Override
    protected int reopen(int pathFd) {
        return HostNode.dup(pathFd);
    }
}
