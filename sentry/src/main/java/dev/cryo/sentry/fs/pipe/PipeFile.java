package dev.cryo.sentry.fs.pipe;

import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.OpenFlags;
import dev.cryo.sentry.vfs.Stat;
import dev.cryo.serializer.Savable;

/** One end of a {@link Pipe}: the read end is O_RDONLY, the write end O_WRONLY. */
@Savable
public final class PipeFile extends FileDescription {
    private static final long FIONREAD = 0x541B;
    /** pipefs's device, as Linux shows it for every pipe (an anonymous block-less device). */
    private static final long PIPEFS_DEV = Stat.makedev(0, 12);

    private Pipe pipe;
    private boolean reader;

    PipeFile(Pipe pipe, boolean reader, int statusFlags) {
        super((reader ? OpenFlags.O_RDONLY : OpenFlags.O_WRONLY) | (statusFlags & OpenFlags.O_NONBLOCK));
        this.pipe = pipe;
        this.reader = reader;
        if (reader) pipe.readers++;
        else pipe.writers++;
    }

    /** For Kryo. */
    private PipeFile() {}

    private boolean nonblock() {
        return (flags & OpenFlags.O_NONBLOCK) != 0;
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        return pipe.read(mem, addr, len, nonblock());
    }

    @Override
    public long write(Usermem mem, long addr, long len) {
        return pipe.write(mem, addr, len, nonblock());
    }

    /**
     * A new end of this pipe, as opening /proc/PID/fd/N of it gives (a FIFO's open): the read
     * end for O_RDONLY (and O_RDWR), the write end for O_WRONLY, with O_NONBLOCK as asked.
     */
    public PipeFile reopen(int openFlags) {
        boolean read = (openFlags & OpenFlags.O_ACCMODE) != OpenFlags.O_WRONLY;
        return new PipeFile(pipe, read, openFlags);
    }

    /** For sendfile into this write end: see {@link Pipe#awaitSlots}; honours O_NONBLOCK. */
    public int awaitSlots() {
        return pipe.awaitSlots(nonblock());
    }

    /** For sendfile: see {@link Pipe#addSplicedPage}. */
    public void addSplicedPage(Usermem mem, long addr, int n) {
        pipe.addSplicedPage(mem, addr, n);
    }

    /** For sendfile, once its pages are in: see {@link Pipe#splicedIn}. */
    public void splicedIn() {
        pipe.splicedIn();
    }

    @Override
    public byte[] stat() {
        return Stat.synthetic(PIPEFS_DEV, pipe.ino, Stat.S_IFIFO | 0600, 0, 4096, 0);
    }

    @Override
    public long ioctl(Usermem mem, long request, long arg) {
        if (request == FIONREAD) {
            mem.writeInt(arg, pipe.buffered());
            return 0;
        }
        return super.ioctl(mem, request, arg);
    }

    /** pipe_poll: readable with bytes or without writers (HUP); writable with a free slot, ERR without readers. */
    @Override
    public int pollReady() {
        return pipe.pollReady(reader);
    }

    @Override
    public long pollEvents() {
        return reader ? pipe.readEvents : pipe.writeEvents;
    }

    /** Bytes in the pipe now (FIONREAD). */
    public int available() {
        return pipe.buffered();
    }

    /** F_GETPIPE_SZ. */
    public int pipeSize() {
        return pipe.capacity();
    }

    /** F_SETPIPE_SZ; returns the size set. */
    public int setPipeSize(long size) {
        return pipe.resize(size);
    }

    @Override
    public String path() {
        return "pipe:[" + pipe.ino + "]";
    }

    @Override
    public String checkLoaded() {
        String bad = pipe == null ? "a pipe end without its pipe" : pipe.checkLoaded();
        return bad != null ? bad : super.checkLoaded();
    }

    @Override
    protected void release() {
        pipe.closeEnd(reader);
    }
}
