package dev.cryo.sentry.vfs;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.host.HostErrors;
import dev.cryo.sentry.mm.Usermem;

/** One of the cryo process's own stdin/stdout/stderr, given to the program as its fd 0, 1 or 2. */
final class HostStdio extends FileDescription {
    private final transient int hostFd;

    HostStdio(int hostFd, int flags) {
        super(flags);
        this.hostFd = hostFd;
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        try {
            return mem.visit(addr, len, true, (h, n) -> Host.read(hostFd, h, n));
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    @Override
    public long write(Usermem mem, long addr, long len) {
        try {
            return mem.visit(addr, len, false, (h, n) -> Host.write(hostFd, h, n));
        } catch (HostException e) {
            throw HostErrors.toGuest(e);
        }
    }

    @Override
    public byte[] stat() {
        return new byte[144];
    }

    @Override
    public String path() {
        return "pipe:[stdio]";
    }

    @Override
    protected void release() {
        Host.close(hostFd);
    }
}
