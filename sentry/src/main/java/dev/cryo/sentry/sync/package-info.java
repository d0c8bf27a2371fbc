/**
 * The kernel lock every task holds while it serves a system call, and the one condition its
 * blocking waits sleep on (Linux's wait queues, in their simplest form). Below vfs, fs and
 * kernel so that pipes and process waits can block the same way; uses no other Sentry package
 * but abi. Lock order: this lock, then the Kernel's monitor (freeze bookkeeping); never the
 * other way round.
 */
package dev.cryo.sentry.sync;
