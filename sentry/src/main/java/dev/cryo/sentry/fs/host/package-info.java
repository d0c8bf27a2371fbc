/**
 * The host-backed root filesystem, read-only (gVisor's pkg/sentry/fsimpl/gofer, with the host
 * kernel's openat2(RESOLVE_IN_ROOT) in place of the gofer's confinement). Descriptions keep
 * their sandbox path, flags, offset and {@link dev.cryo.sentry.fs.host.HostIdentity} (type, size,
 * mtime at open); host descriptors are transient, valid only behind a flag that is false after a
 * load, and reopened by path on first use or by
 * {@link dev.cryo.sentry.vfs.HostBacked#verifySame}, which also checks the file is the saved one.
 * No locks of its own: descriptions are guarded by the kernel's lock.
 */
package dev.cryo.sentry.fs.host;
