package dev.cryo.sentry.fs.dev;

import dev.cryo.sentry.vfs.Devices;
import dev.cryo.sentry.vfs.Node;

/** The memory devices, served at /dev/{null,zero,full,random,urandom}. */
public final class DevDevices implements Devices {
    @Override
    public Node lookup(String path) {
        Device d = Device.byPath(path);
        return d == null ? null : new DevNode(d, d.path());
    }
}
