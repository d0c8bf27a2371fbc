package dev.cryo.sentry.fs;

import dev.cryo.sentry.fs.dev.DevDevices;
import dev.cryo.sentry.fs.host.HostFilesystem;
import dev.cryo.sentry.vfs.VirtualFilesystem;

/** Builds the sandbox's tree from the filesystems in {@code fs.*}. */
public final class Filesystems {
    private Filesystems() {}

    /** A read-only host directory as "/", with the Sentry's memory devices under /dev. */
    public static VirtualFilesystem hostRoot(String hostDirectory) {
        return new VirtualFilesystem(new HostFilesystem(hostDirectory), new DevDevices());
    }
}
