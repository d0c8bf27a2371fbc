/**
 * The platform interface: how the Sentry runs application code without knowing the mechanism.
 * Mirrors gVisor's pkg/sentry/platform. Implementations live in sub-packages ({@code ptrace});
 * all native host access lives in {@code host}.
 */
package dev.cryo.platform;
