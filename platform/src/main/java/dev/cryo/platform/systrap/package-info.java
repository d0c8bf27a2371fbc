/**
 * The systrap platform (the CLI's default where the host has FSGSBASE and seccomp): application threads run in
 * a stub process that is not traced; a seccomp filter turns their system calls into SIGSYS, and
 * a handler in the stub hands each event to the Sentry through shared memory and a futex (as
 * gVisor's pkg/sentry/platform/systrap does). A system call then costs two futex hand-offs
 * instead of a ptrace stop and its context switches.
 */
package dev.cryo.platform.systrap;
