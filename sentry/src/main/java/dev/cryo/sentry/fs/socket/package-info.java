/**
 * Unix-domain socket pairs (Linux's net/unix/af_unix.c, as socketpair(2) makes them): two
 * connected ends whose receive queues hold bytes, message boundaries and files in flight. Plain
 * saved state, like pipes: what is in flight survives a checkpoint, and blocked senders and
 * receivers wait on the kernel lock's condition, giving way to a freeze with ERESTARTSYS.
 */
package dev.cryo.sentry.fs.socket;
