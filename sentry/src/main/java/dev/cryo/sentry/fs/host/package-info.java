/**
 * The host-backed root filesystem, read-only (gVisor's pkg/sentry/fsimpl/gofer, with the host
 * kernel's openat2(RESOLVE_IN_ROOT) in place of the gofer's confinement). Descriptions keep
 * their sandbox path, flags and offset; host descriptors are transient and reopened by path
 * after a restore. No locks of its own: descriptions are guarded by the kernel's lock.
 */
package dev.cryo.sentry.fs.host;
