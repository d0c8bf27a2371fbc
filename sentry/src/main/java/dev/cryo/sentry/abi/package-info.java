/**
 * Linux's numbers and layouts as the guest sees them (errno, syscall numbers, mman, signals,
 * stat, auxv). Imports nothing. Mirrors include/uapi and gVisor's pkg/abi/linux.
 */
package dev.cryo.sentry.abi;
