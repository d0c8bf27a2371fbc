package dev.cryo.sentry.host;

import dev.cryo.sentry.abi.Errno;
import dev.cryo.sentry.abi.SyscallError;

import dev.cryo.platform.host.HostException;

/**
 * The one place where a host error becomes a guest error. Host and guest are both Linux x86-64
 * today, so the numbers agree; errors that must not leak host details are narrowed here.
 */
public final class HostErrors {
    private HostErrors() {}

    public static SyscallError toGuest(HostException e) {
        int errno = e.errno();
        if (errno <= 0 || errno >= 512) {
            return SyscallError.of(Errno.EIO);
        }
        return SyscallError.of(errno);
    }
}
