package dev.cryo.sentry.kernel.proc;

import static dev.cryo.sentry.abi.Errno.EINVAL;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.sentry.vfs.Stat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/** A /proc file, directory or symbolic link found by a lookup; its text or entries are made when opened. */
final class ProcNode implements Node {
    /** proc's device number, as Linux shows it for every /proc file. */
    static final long DEV = Stat.makedev(0, 21);
    private static final long PROC_SUPER_MAGIC = 0x9fa0;

    /** A directory entry: name, d_type, inode. */
    record Entry(String name, byte type, long ino) {}

    private final String path;
    private final byte[] stat;
    private final Supplier<byte[]> text;
    private final Supplier<List<Entry>> entries;
    private final String target;
    /** For a directory: what lists it again when its description is first read. */
    private final ProcFilesystem lister;

    private ProcNode(String path, byte[] stat, Supplier<byte[]> text, Supplier<List<Entry>> entries, String target,
            ProcFilesystem lister) {
        this.path = path;
        this.stat = stat;
        this.text = text;
        this.entries = entries;
        this.target = target;
        this.lister = lister;
    }

    static ProcNode file(String path, int perm, int uid, int gid, Supplier<byte[]> text) {
        return new ProcNode(path, stat(path, Stat.S_IFREG | perm, uid, gid), text, null, null, null);
    }

    static ProcNode dir(ProcFilesystem lister, String path, int perm, int uid, int gid, Supplier<List<Entry>> entries) {
        return new ProcNode(path, stat(path, Stat.S_IFDIR | perm, uid, gid), null, entries, null, lister);
    }

    static ProcNode link(String path, int perm, int uid, int gid, String target) {
        byte[] st = stat(path, Stat.S_IFLNK | perm, uid, gid);
        ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).putLong(48, target.length()); // st_size
        return new ProcNode(path, st, null, null, target, null);
    }

    /** An inode number for {@code path}: stable for the path, as Linux's are for a process's life. */
    static long ino(String path) {
        return (path.hashCode() & 0xffffffffL) | 0x100000000L;
    }

    private static byte[] stat(String path, int mode, int uid, int gid) {
        byte[] st = Stat.synthetic(DEV, ino(path), mode, 0, 1024, 0);
        ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(28, uid).putInt(32, gid);
        return st;
    }

    /** struct statfs of /proc: PROC_SUPER_MAGIC, no blocks, mounted nosuid,nodev,noexec,relatime. */
    static byte[] procStatfs() {
        ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, PROC_SUPER_MAGIC).putLong(8, 4096).putLong(64, 255).putLong(72, 4096).putLong(80, 0x42e);
        return b.array();
    }

    String target() {
        return target;
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
        return procStatfs();
    }

    @Override
    public byte[] readlink() {
        if (target == null) throw SyscallError.of(EINVAL);
        return target.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A directory's entries now; EINVAL for a file or a link. */
    List<Entry> entries() {
        if (entries == null) throw SyscallError.of(EINVAL);
        return entries.get();
    }

    @Override
    public FileDescription open(int flags) {
        if (entries != null) return new ProcDir(flags, path, lister, stat);
        // A symbolic link is opened only with O_PATH (the tree refuses the rest): no text.
        return new ProcFile(flags, path, text != null ? text.get() : new byte[0], stat);
    }

    @Override
    public void close() {}
}
