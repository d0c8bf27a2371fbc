package dev.cryo.sentry.fs.host;

import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An open host file: what every host-backed description shares. The sandbox path, flags and
 * offset are saved; the host descriptor is not.
 */
abstract class HostDescription extends FileDescription {
    /** ST_RDONLY in struct statfs's f_flags. */
    private static final long ST_RDONLY = 1;

    protected HostFilesystem fs;
    /** Canonical sandbox path of the file. */
    protected String path;
    /** The file offset (for directories, the host's getdents cookie). guarded by the kernel lock */
    protected long offset;
    /** Host descriptor: reopened by path after restore ({@link #fd}). -1 once released. */
    private transient int hostFd;
    /** False after a restore, until {@link #fd} reopens the file. */
    private transient boolean live;

    HostDescription(HostFilesystem fs, String path, int flags, int hostFd) {
        super(flags);
        this.fs = fs;
        this.path = path;
        this.hostFd = hostFd;
        this.live = true;
    }

    /** For Kryo. */
    HostDescription() {}

    /** The host descriptor, reopened by path (and repositioned) the first time after a restore. */
    protected final int fd() {
        if (!live) {
            dev.cryo.sentry.vfs.Node n = fs.lookup(path, false);
            try {
                if (!(n instanceof HostNode)) throw dev.cryo.sentry.abi.SyscallError.of(dev.cryo.sentry.abi.Errno.ESTALE);
                hostFd = reopen(((HostNode) n).pathFd());
            } finally {
                n.close();
            }
            live = true;
            afterReopen();
        }
        return hostFd;
    }

    /** Opens this file again from an O_PATH descriptor of it (after restore); returns the new fd. */
    protected abstract int reopen(int pathFd);

    /** Restores host-side position after a reopen. */
    protected void afterReopen() {}

    @Override
    public byte[] stat() {
        return HostCalls.fstat(fd());
    }

    @Override
    public byte[] statfs() {
        return readOnlyStatfs(fd());
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    protected void release() {
        if (live) HostCalls.closeQuietly(hostFd);
        hostFd = -1;
        live = true;
    }

    /** The host's statfs of {@code fd}, with ST_RDONLY set: the sandbox sees its root read-only. */
    static byte[] readOnlyStatfs(int fd) {
        byte[] b = HostCalls.fstatfs(fd);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(80, bb.getLong(80) | ST_RDONLY);
        return b;
    }

    static final int O_RDONLY = OpenFlags.O_RDONLY;
}
