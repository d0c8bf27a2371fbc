/**
 * Pipes (Linux's fs/pipe.c): a kernel object holding up to its capacity of bytes in flight,
 * and the two open file descriptions of its ends. A pipe is plain saved state, so its buffered
 * bytes survive a checkpoint; blocking reads and writes wait on the kernel lock's condition and
 * give way to a freeze with ERESTARTSYS.
 */
package dev.cryo.sentry.fs.pipe;
