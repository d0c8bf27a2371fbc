/**
 * The ptrace platform: each address space is a stub process run under PTRACE_SYSEMU, each
 * context one of its threads, traced by the one Java thread that created it. Mirrors gVisor's
 * pkg/sentry/platform/ptrace.
 */
package dev.cryo.platform.ptrace;
