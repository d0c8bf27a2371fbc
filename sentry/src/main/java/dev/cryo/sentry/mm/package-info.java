/**
 * Memory management: VMAs, brk, the mmap family, faults and copy-in/copy-out. Mirrors Linux's
 * mm/ and gVisor's pkg/sentry/mm. Imports memory and abi; never kernel. Not thread-safe: a
 * MemoryManager is used by the tasks that share it under the kernel's lock.
 */
package dev.cryo.sentry.mm;
