package dev.cryo.sentry.vfs;

/** The device nodes the Sentry serves itself, by canonical sandbox path ("/dev/null"). */
public interface Devices {
    /** The node at {@code path}, or null if no device is served there. The caller closes it. */
    Node lookup(String path);
}
