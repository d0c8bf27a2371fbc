package dev.cryo.sentry.fs.dev;

import static dev.cryo.sentry.abi.Errno.ENODEV;
import static dev.cryo.sentry.abi.Errno.ENOSPC;

import dev.cryo.platform.host.Host;
import dev.cryo.platform.host.HostException;
import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.host.HostErrors;
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.mm.Usermem;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.serializer.Savable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An open memory device, served by the Sentry as drivers/char/mem.c and random.c do: /dev/null
 * reads EOF and swallows writes, /dev/zero reads zeros, /dev/full reads zeros and fails writes
 * with ENOSPC, /dev/random and /dev/urandom read the host's getrandom(2) (never blocking: the
 * host pool is initialised long before a sandbox starts). Seeking always lands at 0.
 * Entirely savable: it holds no host resource.
 */
@Savable
public final class DevFile extends FileDescription {
    private static final long MAX_RW_COUNT = 0x7ffff000L;
    private static final int SYS_GETRANDOM = 318;
    private static final long TMPFS_MAGIC = 0x01021994L;

    private Device device;
    private String path;

    public DevFile(Device device, int flags, String path) {
        super(flags);
        this.device = device;
        this.path = path;
    }

    /** For Kryo. */
    DevFile() {}

    public Device device() {
        return device;
    }

    @Override
    public long read(Usermem mem, long addr, long len) {
        len = Math.min(len, MAX_RW_COUNT);
        switch (device) {
            case NULL:
                return 0;
            case ZERO:
            case FULL:
                return mem.visit(addr, len, true, (h, n) -> {
                    Host.zero(h, n);
                    return n;
                });
            default:
                return mem.visit(addr, len, true, DevFile::random);
        }
    }

    private static long random(long hostAddress, long len) {
        long done = 0;
        try {
            while (done < len) {
                done += Host.syscall("getrandom", SYS_GETRANDOM, hostAddress + done, len - done, 0, 0, 0, 0);
            }
        } catch (HostException e) {
            if (done == 0) throw HostErrors.toGuest(e);
        }
        return done;
    }

    @Override
    public long write(Usermem mem, long addr, long len) {
        len = Math.min(len, MAX_RW_COUNT);
        switch (device) {
            case NULL:
            case ZERO:
                return len; // write_null/write_zero never look at the buffer
            case FULL:
                throw SyscallError.of(ENOSPC);
            default:
                // random_write mixes the bytes in: it reads them, so a bad buffer is EFAULT.
                mem.check(addr, len, false);
                return len;
        }
    }

    @Override
    public long pread(Usermem mem, long addr, long len, long offset) {
        return read(mem, addr, len);
    }

    @Override
    public long pwrite(Usermem mem, long addr, long len, long offset) {
        return write(mem, addr, len);
    }

    @Override
    public long seek(long offset, int whence) {
        return 0;
    }

    @Override
    public byte[] stat() {
        return device.stat();
    }

    @Override
    public byte[] statfs() {
        return devStatfs();
    }

    /** struct statfs of the /dev filesystem: a small tmpfs. */
    static byte[] devStatfs() {
        byte[] b = new byte[120];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(0, TMPFS_MAGIC);
        bb.putLong(8, 4096);
        bb.putLong(64, 255);
        bb.putLong(72, 4096);
        bb.putLong(80, 0x0002 | 0x0020 | 0x1000); // ST_NOSUID | ST_VALID | ST_RELATIME, as devtmpfs
        return b;
    }

    @Override
    public MappingSource mappable() {
        if (device != Device.ZERO) throw SyscallError.of(ENODEV);
        String name = path;
        return new MappingSource() {
            @Override
            public long readInto(long hostAddress, long len, long offset) {
                Host.zero(hostAddress, len);
                return len;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    @Override
    public String path() {
        return path;
    }
}
