package dev.cryo.sentry.fs.host;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EISDIR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.serializer.Savable;

/**
 * Where the host has mounted one of its pseudo filesystems (/proc, /sys): an empty directory
 * with the mount point's metadata. What those filesystems hold describes the host (its
 * processes, the cryo JVM's own environment, devices), and the program must see only its
 * sandbox. The kernel serves its own /proc over this one (kernel.proc); /sys stays empty.
 */
public final class MaskedDirectory implements Node {
    private final String path;
    private final byte[] stat;
    private final byte[] statfs;

    MaskedDirectory(String path, byte[] stat, byte[] statfs) {
        this.path = path;
        this.stat = stat;
        this.statfs = statfs;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public byte[] stat() {
        return stat.clone();
    }

    @Override
    public byte[] statfs() {
        return statfs.clone();
    }

    @Override
    public byte[] readlink() {
        throw SyscallError.of(EINVAL);
    }

    @Override
    public FileDescription open(int flags) {
        return new Listing(flags, path, stat);
    }

    @Override
    public void close() {}

    /** An open masked directory: lists nothing. Saved whole: it holds no host resource. */
    @Savable
    public static final class Listing extends FileDescription {
        private String path;
        private byte[] stat;

        Listing(int flags, String path, byte[] stat) {
            super(flags);
            this.path = path;
            this.stat = stat;
        }

        /** For Kryo. */
        Listing() {}

        @Override
        public long read(Usermem mem, long addr, long len) {
            throw SyscallError.of(EISDIR);
        }

        @Override
        public long seek(long offset, int whence) {
            return 0;
        }

        @Override
        public long getdents64(Usermem mem, long addr, long len) {
            return 0;
        }

        @Override
        public byte[] stat() {
            return stat.clone();
        }

        @Override
        public String path() {
            return path;
        }
    }
}
