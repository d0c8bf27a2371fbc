/**
 * The kernel: the {@link dev.cryo.sentry.kernel.Kernel} (root of all sandbox state) and its
 * tasks. Mirrors Linux's kernel/ and gVisor's pkg/sentry/kernel. Imports mm, vfs, memory, abi
 * and the platform interfaces; never syscalls (the dispatcher is handed in).
 *
 * <p>Lock order: the Kernel's monitor (task table, freezing), then the {@link
 * dev.cryo.sentry.kernel.SignalLock} (all signal and timer state), then the TimerService's
 * monitor. Code holding the signal lock never takes the Kernel's monitor and never blocks.
 */
package dev.cryo.sentry.kernel;
