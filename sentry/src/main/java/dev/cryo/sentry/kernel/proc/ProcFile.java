package dev.cryo.sentry.kernel.proc;

import static dev.cryo.sentry.abi.Errno.EINVAL;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.serializer.Savable;

/**
 * An open /proc file: its text as it was when opened (Linux makes it at the first read; a
 * program reads such files whole, right after opening them), read and seekable like a regular
 * file. Saved with its text and offset, so a restored reader goes on with the same bytes.
 */
@Savable
public final class ProcFile extends FileDescription {
    private static final int SEEK_SET = 0, SEEK_CUR = 1;

    private String path;
    private byte[] text;
    private byte[] stat;
    private long offset;

    ProcFile(int flags, String path, byte[] text, byte[] stat) {
        super(flags);
        this.path = path;
        this.text = text;
        this.stat = stat;
    }

    /** For Kryo. */
    private ProcFile() {}

    @Override
    public long read(Usermem mem, long addr, long len) {
        long n = pread(mem, addr, len, offset);
        offset += n;
        return n;
    }

    @Override
    public long pread(Usermem mem, long addr, long len, long at) {
        if (at < 0) throw SyscallError.of(EINVAL);
        if (at >= text.length || len == 0) return 0;
        int n = (int) Math.min(len, text.length - at);
        mem.write(addr, text, (int) at, n);
        return n;
    }

    /** seq_lseek: SEEK_SET and SEEK_CUR only (a /proc file has no known end: st_size is 0). */
    @Override
    public long seek(long off, int whence) {
        long base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? offset : -1;
        if (base < 0) throw SyscallError.of(EINVAL);
        long to = base + off;
        if (to < 0) throw SyscallError.of(EINVAL);
        offset = to;
        return to;
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
