/**
 * The Sentry's own /proc (Linux's procfs): the sandbox's processes as the kernel knows them
 * (their executables, descriptors, memory maps, argv, state) and a few system-wide files, made
 * up on each lookup. What the host's /proc holds is never shown.
 */
package dev.cryo.sentry.kernel.proc;
