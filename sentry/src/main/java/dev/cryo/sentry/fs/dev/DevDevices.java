package dev.cryo.sentry.fs.dev;

import dev.cryo.sentry.vfs.Devices;
import dev.cryo.sentry.vfs.Node;
import dev.cryo.serializer.Savable;

/** The memory devices, served at /dev/{null,zero,full,random,urandom}. Stateless: saved as nothing. */
@Savable
public final class DevDevices implements Devices {
    @Override
    public Node lookup(String path) {
        Device d = Device.byPath(path);
        return d == null ? null : new DevNode(d, d.path());
    }
}
