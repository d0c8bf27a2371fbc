/**
 * The kernel: the {@link dev.cryo.sentry.kernel.Kernel} (root of all sandbox state) and its
 * tasks. Mirrors Linux's kernel/ and gVisor's pkg/sentry/kernel. Imports mm, vfs, memory, abi
 * and the platform interfaces; never syscalls (the dispatcher is handed in).
 */
package dev.cryo.sentry.kernel;
