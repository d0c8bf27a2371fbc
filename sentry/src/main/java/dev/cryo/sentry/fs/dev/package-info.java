/**
 * The devices the Sentry serves itself (Linux's drivers/char/mem.c and random.c; gVisor's
 * pkg/sentry/devices/memdev): /dev/null, zero, full, random and urandom. A host device node is
 * never opened: these are recognised by their sandbox path or by a host node's st_rdev.
 */
package dev.cryo.sentry.fs.dev;
