package dev.cryo.sentry.fs.dev;

import static dev.cryo.sentry.abi.Errno.EINVAL;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.vfs.FileDescription;
import dev.cryo.sentry.vfs.Node;

/** A memory device found by a lookup: at its /dev path, or as a host node with its st_rdev. */
public final class DevNode implements Node {
    private final Device device;
    private final String path;

    public DevNode(Device device, String path) {
        this.device = device;
        this.path = path;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public byte[] stat() {
        return device.stat();
    }

    @Override
    public byte[] statfs() {
        return DevFile.devStatfs();
    }

    @Override
    public byte[] readlink() {
        throw SyscallError.of(EINVAL);
    }

    @Override
    public FileDescription open(int flags) {
        return new DevFile(device, flags, path);
    }

    @Override
    public void close() {}
}
