package dev.cryo.sentry.kernel.proc;

import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EISDIR;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.serializer.Savable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An open /proc directory: its entries as they are at its first getdents64 (as Linux lists
 * them when read: /proc/self/fd then shows the descriptor doing the listing), listed with the
 * entry's index as its offset. Saved with them and the offset, or, not read yet, with the
 * filesystem that will list it.
 */
@Savable
public final class ProcDir extends FileDescription {
    /** DT_DIR, DT_REG, DT_LNK. */
    static final byte DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

    private String path;
    /** Lists {@link #path} at the first read; null once listed. */
    private ProcFilesystem lister;
    private String[] names;
    private byte[] types;
    private long[] inodes;
    private byte[] stat;
    private long offset;

    ProcDir(int flags, String path, ProcFilesystem lister, byte[] stat) {
        super(flags);
        this.path = path;
        this.lister = lister;
        this.stat = stat;
    }

    private void list() {
        List<ProcNode.Entry> es;
        try {
            es = lister.entries(path);
        } catch (SyscallError e) {
            es = List.of(); // the process is gone: nothing to list
        }
        names = new String[es.size()];
        types = new byte[es.size()];
        inodes = new long[es.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = es.get(i).name();
            types[i] = es.get(i).type();
            inodes[i] = es.get(i).ino();
        }
        lister = null;
    }

    /** For Kryo. */
    private ProcDir() {}

    @Override
    public long read(Usermem mem, long addr, long len) {
        throw SyscallError.of(EISDIR);
    }

    @Override
    public long pread(Usermem mem, long addr, long len, long at) {
        throw SyscallError.of(EISDIR);
    }

    /** linux_dirent64 records: d_ino, d_off (the next entry's index), d_reclen, d_type, the name. */
    @Override
    public long getdents64(Usermem mem, long addr, long len) {
        if (lister != null) list();
        ByteBuffer out = ByteBuffer.allocate((int) Math.min(len, 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
        long i = offset;
        for (; i < names.length; i++) {
            byte[] name = names[(int) i].getBytes(StandardCharsets.ISO_8859_1);
            int reclen = (19 + name.length + 1 + 7) & ~7;
            if (reclen > out.remaining()) {
                if (out.position() == 0) throw SyscallError.of(EINVAL); // not even one fits
                break;
            }
            int at = out.position();
            out.putLong(inodes[(int) i]).putLong(i + 1).putShort((short) reclen).put(types[(int) i]).put(name);
            while (out.position() < at + reclen) out.put((byte) 0);
        }
        if (out.position() > 0) mem.write(addr, out.array(), 0, out.position());
        offset = i;
        return out.position();
    }

    @Override
    public long seek(long off, int whence) {
        if (whence == 0 && off >= 0) {
            offset = off;
            return off;
        }
        if (whence == 1 && offset + off >= 0) {
            offset += off;
            return offset;
        }
        throw SyscallError.of(EINVAL);
    }

    @Override
    public byte[] stat() {
        return stat.clone();
    }

    @Override
    public byte[] statfs() {
        return ProcNode.procStatfs();
    }

    @Override
    public String path() {
        return path;
    }
}
