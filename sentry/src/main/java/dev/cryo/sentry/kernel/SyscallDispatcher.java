package dev.cryo.sentry.kernel;

/**
 * Serves the system call a task has stopped at: reads the number and arguments from its
 * registers and writes the result to RAX. Implemented by the syscalls package, which the kernel
 * does not import (dependencies point down).
 */
@FunctionalInterface
public interface SyscallDispatcher {
    void dispatch(Task task);
}
