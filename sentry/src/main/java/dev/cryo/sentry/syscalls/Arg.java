package dev.cryo.sentry.syscalls;

/** How strace shows one argument (or the result) of a system call. */
public enum Arg {
    /** Signed decimal int. */
    INT,
    /** Signed decimal 64-bit. */
    LONG,
    /** Unsigned decimal (sizes, counts). */
    SIZE,
    /** Hexadecimal (addresses, masks); NULL for 0. */
    HEX,
    /** A descriptor. */
    FD,
    /** A directory descriptor: AT_FDCWD by name. */
    DIRFD,
    /** A NUL-terminated path the call reads. */
    PATH,
    /** A buffer the call reads; its length is the next argument. */
    BUF_IN,
    /** A buffer the call fills; shown after the call with the result as its length. */
    BUF_OUT,
    /** open(2) flags. */
    OFLAGS,
    /** A file mode, in octal. */
    MODE,
    /** mmap/mprotect protection. */
    PROT,
    /** mmap flags. */
    MAP_FLAGS,
    /** A signal number. */
    SIGNAL,
    /** A clock id. */
    CLOCK,
    /** lseek whence. */
    WHENCE,
    /** *at() flags (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, ...). */
    AT_FLAGS,
    /** access(2) mode. */
    ACCESS_MODE,
    /** An ioctl request. */
    IOCTL,
    /** A NULL-terminated vector of strings (argv, envp). */
    STRV,
    /** A pointer to a structure: shown as its address. */
    PTR
}
