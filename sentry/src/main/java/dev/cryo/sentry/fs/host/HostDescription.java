package dev.cryo.sentry.fs.host;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.HostBacked;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.serializer.AfterLoad;
import dev.cryo.serializer.Rebuilt;
import dev.cryo.serializer.Savable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An open host file: what every host-backed description shares. The sandbox path, flags,
 * offset and the file's {@link HostIdentity} are saved; the host descriptor is not: after a
 * restore it is reopened by path, on first use or when the restore calls {@link #verifySame}.
 *
 * <p>The descriptor is valid only while {@link #hostOpen}: a loaded object starts with it false
 * (Kryo makes objects without running constructors or field initializers, so an int field would
 * read 0 — the program's stdin), and {@link #afterLoad} sets the descriptor to -1 as well.
 */
@Savable
abstract class HostDescription extends FileDescription implements HostBacked, AfterLoad {
    /** ST_RDONLY in struct statfs's f_flags. */
    private static final long ST_RDONLY = 1;

    protected HostFilesystem fs;
    /** Canonical sandbox path of the file. */
    protected String path;
    /** The file offset (for directories, the host's getdents cookie). guarded by the kernel lock */
    protected long offset;
    /** The file as it was when opened: compared with the host's file after a restore. */
    protected HostIdentity identity;

    /** Host descriptor while {@link #hostOpen}, else -1. */
    @Rebuilt("host fd: reopened by path in fd() after restore; -1 from afterLoad until then")
    private transient int hostFd;
    @Rebuilt("false after load (its default): fd() reopens the file by path")
    private transient boolean hostOpen;
    @Rebuilt("false after load: a released description is in no table, so never in an image")
    private transient boolean released;

    HostDescription(HostFilesystem fs, String path, int flags, int hostFd, byte[] stat) {
        super(flags);
        this.fs = fs;
        this.path = path;
        this.identity = HostIdentity.of(stat);
        this.hostFd = hostFd;
        this.hostOpen = true;
    }

    /** For Kryo. */
    HostDescription() {
        this.hostFd = -1;
    }

    @Override
    public void afterLoad(Object env) {
        hostFd = -1;
        hostOpen = false;
        released = false;
    }

    /** The host descriptor, reopened by path (and repositioned) the first time after a restore. */
    protected final int fd() {
        if (released) throw badf();
        if (!hostOpen) {
            Node n = fs.lookup(path, false);
            try {
                if (!(n instanceof HostNode h)) throw SyscallError.of(Errno.ESTALE);
                hostFd = reopen(h.pathFd());
            } finally {
                n.close();
            }
            hostOpen = true;
            afterReopen();
        }
        return hostFd;
    }

    /** Opens this file again from an O_PATH descriptor of it (after restore); returns the new fd. */
    protected abstract int reopen(int pathFd);

    /** Restores host-side position after a reopen. */
    protected void afterReopen() {}

    @Override
    public void verifySame(boolean acceptChanged) {
        byte[] now;
        try {
            now = HostCalls.fstat(fd());
        } catch (SyscallError e) {
            throw new IllegalStateException("host file " + hostPath() + " cannot be reopened since the checkpoint: "
                    + Errno.text(e.errno()));
        }
        HostIdentity current = HostIdentity.of(now);
        if (current.type() != identity.type()) {
            throw new IllegalStateException("host file " + hostPath() + " is no longer the same kind of file");
        }
        // Only a regular file's content is read through its offset; a directory's size and
        // mtime change with every entry added, and its listing cookie stays valid.
        if (identity.type() == Stat.S_IFREG && !acceptChanged && !current.sameContent(identity)) {
            throw new IllegalStateException("host file " + hostPath() + " changed since the checkpoint (size/mtime)");
        }
    }

    /** The file's path on the host, for messages. */
    final String hostPath() {
        String root = fs.hostRoot();
        if (root.endsWith("/")) root = root.substring(0, root.length() - 1);
        return root + path;
    }

    /** What identified the file when it was opened. */
    public HostIdentity identity() {
        return identity;
    }

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
        if (hostOpen) HostCalls.closeQuietly(hostFd);
        hostFd = -1;
        hostOpen = false;
        released = true;
    }

    /** The host's statfs of {@code fd}, with ST_RDONLY set: the sandbox sees its root read-only. */
    static byte[] readOnlyStatfs(int fd) {
        byte[] b = HostCalls.fstatfs(fd);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(80, bb.getLong(80) | ST_RDONLY);
        return b;
    }
}
