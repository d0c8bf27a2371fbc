package dev.cryo.sentry.vfs;

/**
 * What a restore tells the filesystems it rebuilds: the host directory the user chose as the
 * sandbox's root. An image is untrusted input (DESIGN.md rule 5): the root it recorded must not
 * decide which host directory a restored program can see.
 */
public interface RootChoice {
    /** The host directory to use as "/". */
    String rootfs();
}
