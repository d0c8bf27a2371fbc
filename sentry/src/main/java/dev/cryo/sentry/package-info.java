/**
 * The Sentry: Cryo's user-space kernel. {@link dev.cryo.sentry.Sandbox} is the entry point; the
 * sub-packages mirror Linux (abi, memory, mm, vfs, fs.*, loader, kernel, syscalls, checkpoint),
 * and lower packages never import higher ones.
 */
package dev.cryo.sentry;
