package dev.cryo.sentry.syscalls;

import dev.cryo.sentry.kernel.Task;

/**
 * One system call's implementation. Reads its arguments from the task ({@link Task#arg}),
 * returns the result, or throws {@link dev.cryo.sentry.abi.SyscallError} with the guest errno.
 */
@FunctionalInterface
public interface Handler {
    long call(Task t);
}
