/**
 * Freeze, save and restore; mirrors gVisor's pkg/sentry/state and runsc checkpoint. Holds the
 * list of classes a kernel image may contain ({@link dev.cryo.sentry.checkpoint.SentryClasses})
 * and the checks a restore makes on the host before anything runs
 * ({@link dev.cryo.sentry.checkpoint.HostFiles}). May use every other Sentry package; none uses it.
 */
package dev.cryo.sentry.checkpoint;
