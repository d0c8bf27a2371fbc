/**
 * The system call table (data: supported, partial, error) and one class per family of calls,
 * with the dispatcher that turns errors into -errno and prints --strace. Mirrors gVisor's
 * pkg/sentry/syscalls/linux. The only package that imports kernel and everything below it.
 */
package dev.cryo.sentry.syscalls;
