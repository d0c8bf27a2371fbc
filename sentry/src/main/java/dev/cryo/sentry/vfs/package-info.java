/**
 * The virtual filesystem (Linux's fs/namei.c, fs/open.c, fs/file.c; gVisor's pkg/sentry/vfs):
 * path lookup relative to a canonical base directory, open file descriptions, descriptor
 * tables and each task's filesystem context. Filesystems (fs.host, fs.dev) implement
 * {@link dev.cryo.sentry.vfs.Node} and {@link dev.cryo.sentry.vfs.FileDescription}.
 * Paths are byte strings held one char per byte (ISO-8859-1). No locks of its own: tables and
 * descriptions are guarded by the kernel's lock once tasks run concurrently.
 */
package dev.cryo.sentry.vfs;
