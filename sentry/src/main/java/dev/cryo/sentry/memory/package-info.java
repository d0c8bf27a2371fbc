/** The memory file that backs all application memory. Mirrors gVisor's pkg/sentry/pgalloc. */
package dev.cryo.sentry.memory;
