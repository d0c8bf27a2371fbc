package dev.cryo.sentry.fs.host;

import dev.cryo.serializer.Savable;

/**
 * An O_PATH description of a host file: a position in the tree (a dirfd, fchdir, fstat), never
 * read or written. The descriptor table refuses it for I/O with EBADF.
 */
@Savable
public final class HostPathFile extends HostDescription {
    HostPathFile(HostFilesystem fs, String path, int flags, int hostFd, byte[] stat) {
        super(fs, path, flags, hostFd, stat);
    }

    /** For Kryo. */
    HostPathFile() {}

    @Override
    protected int reopen(int pathFd) {
        return HostNode.dup(pathFd);
    }
}
