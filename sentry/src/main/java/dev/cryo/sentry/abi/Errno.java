package dev.cryo.sentry.abi;

/**
 * Linux's errno values on x86-64 (include/uapi/asm-generic/errno-base.h, errno.h): the guest's
 * numbers, never the host's. Host errors become these in {@code dev.cryo.sentry.host.HostErrors} only.
 */
public final class Errno {
    private Errno() {}

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Exec format error. */
    public static final int ENOEXEC = 8;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** No child processes. */
    public static final int ECHILD = 10;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Block device required. */
    public static final int ENOTBLK = 15;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid cross-device link. */
    public static final int EXDEV = 18;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** Text file busy. */
    public static final int ETXTBSY = 26;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Illegal seek. */
    public static final int ESPIPE = 29;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /** Too many links. */
    public static final int EMLINK = 31;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Numerical argument out of domain. */
    public static final int EDOM = 33;
    /** Numerical result out of range. */
    public static final int ERANGE = 34;
    /** Resource deadlock avoided. */
    public static final int EDEADLK = 35;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** No locks available. */
    public static final int ENOLCK = 37;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** No message of desired type. */
    public static final int ENOMSG = 42;
    /** Identifier removed. */
    public static final int EIDRM = 43;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Timer expired. */
    public static final int ETIME = 62;
    /** Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** File descriptor in bad state. */
    public static final int EBADFD = 77;
    /** Invalid or incomplete multibyte or wide character. */
    public static final int EILSEQ = 84;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol wrong type for socket. */
    public static final int EPROTOTYPE = 91;
    /** Protocol not available. */
    public static final int ENOPROTOOPT = 92;
    /** Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** Socket type not supported. */
    public static final int ESOCKTNOSUPPORT = 94;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Too many references: cannot splice. */
    public static final int ETOOMANYREFS = 109;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** Operation already in progress. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Stale file handle. */
    public static final int ESTALE = 116;
    /** Disk quota exceeded. */
    public static final int EDQUOT = 122;
    /** Operation canceled. */
    public static final int ECANCELED = 125;
    /** Owner died. */
    public static final int EOWNERDEAD = 130;
    /** State not recoverable. */
    public static final int ENOTRECOVERABLE = 131;
    /** Same value as EOPNOTSUPP on Linux. */
    public static final int ENOTSUP = EOPNOTSUPP;
    /** Same value as EAGAIN on Linux. */
    public static final int EWOULDBLOCK = EAGAIN;

    // Internal restart codes (include/linux/errno.h): never seen by the application.
    public static final int ERESTARTSYS = 512;
    public static final int ERESTARTNOINTR = 513;
    public static final int ERESTARTNOHAND = 514;
    public static final int ERESTART_RESTARTBLOCK = 516;

    private static final String[] NAMES = new String[520];
    private static final String[] TEXTS = new String[520];

    static {
        NAMES[EPERM] = "EPERM";
        TEXTS[EPERM] = "Operation not permitted";
        NAMES[ENOENT] = "ENOENT";
        TEXTS[ENOENT] = "No such file or directory";
        NAMES[ESRCH] = "ESRCH";
        TEXTS[ESRCH] = "No such process";
        NAMES[EINTR] = "EINTR";
        TEXTS[EINTR] = "Interrupted system call";
        NAMES[EIO] = "EIO";
        TEXTS[EIO] = "Input/output error";
        NAMES[ENXIO] = "ENXIO";
        TEXTS[ENXIO] = "No such device or address";
        NAMES[E2BIG] = "E2BIG";
        TEXTS[E2BIG] = "Argument list too long";
        NAMES[ENOEXEC] = "ENOEXEC";
        TEXTS[ENOEXEC] = "Exec format error";
        NAMES[EBADF] = "EBADF";
        TEXTS[EBADF] = "Bad file descriptor";
        NAMES[ECHILD] = "ECHILD";
        TEXTS[ECHILD] = "No child processes";
        NAMES[EAGAIN] = "EAGAIN";
        TEXTS[EAGAIN] = "Resource temporarily unavailable";
        NAMES[ENOMEM] = "ENOMEM";
        TEXTS[ENOMEM] = "Cannot allocate memory";
        NAMES[EACCES] = "EACCES";
        TEXTS[EACCES] = "Permission denied";
        NAMES[EFAULT] = "EFAULT";
        TEXTS[EFAULT] = "Bad address";
        NAMES[ENOTBLK] = "ENOTBLK";
        TEXTS[ENOTBLK] = "Block device required";
        NAMES[EBUSY] = "EBUSY";
        TEXTS[EBUSY] = "Device or resource busy";
        NAMES[EEXIST] = "EEXIST";
        TEXTS[EEXIST] = "File exists";
        NAMES[EXDEV] = "EXDEV";
        TEXTS[EXDEV] = "Invalid cross-device link";
        NAMES[ENODEV] = "ENODEV";
        TEXTS[ENODEV] = "No such device";
        NAMES[ENOTDIR] = "ENOTDIR";
        TEXTS[ENOTDIR] = "Not a directory";
        NAMES[EISDIR] = "EISDIR";
        TEXTS[EISDIR] = "Is a directory";
        NAMES[EINVAL] = "EINVAL";
        TEXTS[EINVAL] = "Invalid argument";
        NAMES[ENFILE] = "ENFILE";
        TEXTS[ENFILE] = "Too many open files in system";
        NAMES[EMFILE] = "EMFILE";
        TEXTS[EMFILE] = "Too many open files";
        NAMES[ENOTTY] = "ENOTTY";
        TEXTS[ENOTTY] = "Inappropriate ioctl for device";
        NAMES[ETXTBSY] = "ETXTBSY";
        TEXTS[ETXTBSY] = "Text file busy";
        NAMES[EFBIG] = "EFBIG";
        TEXTS[EFBIG] = "File too large";
        NAMES[ENOSPC] = "ENOSPC";
        TEXTS[ENOSPC] = "No space left on device";
        NAMES[ESPIPE] = "ESPIPE";
        TEXTS[ESPIPE] = "Illegal seek";
        NAMES[EROFS] = "EROFS";
        TEXTS[EROFS] = "Read-only file system";
        NAMES[EMLINK] = "EMLINK";
        TEXTS[EMLINK] = "Too many links";
        NAMES[EPIPE] = "EPIPE";
        TEXTS[EPIPE] = "Broken pipe";
        NAMES[EDOM] = "EDOM";
        TEXTS[EDOM] = "Numerical argument out of domain";
        NAMES[ERANGE] = "ERANGE";
        TEXTS[ERANGE] = "Numerical result out of range";
        NAMES[EDEADLK] = "EDEADLK";
        TEXTS[EDEADLK] = "Resource deadlock avoided";
        NAMES[ENAMETOOLONG] = "ENAMETOOLONG";
        TEXTS[ENAMETOOLONG] = "File name too long";
        NAMES[ENOLCK] = "ENOLCK";
        TEXTS[ENOLCK] = "No locks available";
        NAMES[ENOSYS] = "ENOSYS";
        TEXTS[ENOSYS] = "Function not implemented";
        NAMES[ENOTEMPTY] = "ENOTEMPTY";
        TEXTS[ENOTEMPTY] = "Directory not empty";
        NAMES[ELOOP] = "ELOOP";
        TEXTS[ELOOP] = "Too many levels of symbolic links";
        NAMES[ENOMSG] = "ENOMSG";
        TEXTS[ENOMSG] = "No message of desired type";
        NAMES[EIDRM] = "EIDRM";
        TEXTS[EIDRM] = "Identifier removed";
        NAMES[ENODATA] = "ENODATA";
        TEXTS[ENODATA] = "No data available";
        NAMES[ETIME] = "ETIME";
        TEXTS[ETIME] = "Timer expired";
        NAMES[EOVERFLOW] = "EOVERFLOW";
        TEXTS[EOVERFLOW] = "Value too large for defined data type";
        NAMES[EBADFD] = "EBADFD";
        TEXTS[EBADFD] = "File descriptor in bad state";
        NAMES[EILSEQ] = "EILSEQ";
        TEXTS[EILSEQ] = "Invalid or incomplete multibyte or wide character";
        NAMES[ENOTSOCK] = "ENOTSOCK";
        TEXTS[ENOTSOCK] = "Socket operation on non-socket";
        NAMES[EDESTADDRREQ] = "EDESTADDRREQ";
        TEXTS[EDESTADDRREQ] = "Destination address required";
        NAMES[EMSGSIZE] = "EMSGSIZE";
        TEXTS[EMSGSIZE] = "Message too long";
        NAMES[EPROTOTYPE] = "EPROTOTYPE";
        TEXTS[EPROTOTYPE] = "Protocol wrong type for socket";
        NAMES[ENOPROTOOPT] = "ENOPROTOOPT";
        TEXTS[ENOPROTOOPT] = "Protocol not available";
        NAMES[EPROTONOSUPPORT] = "EPROTONOSUPPORT";
        TEXTS[EPROTONOSUPPORT] = "Protocol not supported";
        NAMES[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT";
        TEXTS[ESOCKTNOSUPPORT] = "Socket type not supported";
        NAMES[EOPNOTSUPP] = "EOPNOTSUPP";
        TEXTS[EOPNOTSUPP] = "Operation not supported";
        NAMES[EAFNOSUPPORT] = "EAFNOSUPPORT";
        TEXTS[EAFNOSUPPORT] = "Address family not supported by protocol";
        NAMES[EADDRINUSE] = "EADDRINUSE";
        TEXTS[EADDRINUSE] = "Address already in use";
        NAMES[EADDRNOTAVAIL] = "EADDRNOTAVAIL";
        TEXTS[EADDRNOTAVAIL] = "Cannot assign requested address";
        NAMES[ENETUNREACH] = "ENETUNREACH";
        TEXTS[ENETUNREACH] = "Network is unreachable";
        NAMES[ECONNRESET] = "ECONNRESET";
        TEXTS[ECONNRESET] = "Connection reset by peer";
        NAMES[ENOBUFS] = "ENOBUFS";
        TEXTS[ENOBUFS] = "No buffer space available";
        NAMES[EISCONN] = "EISCONN";
        TEXTS[EISCONN] = "Transport endpoint is already connected";
        NAMES[ENOTCONN] = "ENOTCONN";
        TEXTS[ENOTCONN] = "Transport endpoint is not connected";
        NAMES[ETOOMANYREFS] = "ETOOMANYREFS";
        TEXTS[ETOOMANYREFS] = "Too many references: cannot splice";
        NAMES[ETIMEDOUT] = "ETIMEDOUT";
        TEXTS[ETIMEDOUT] = "Connection timed out";
        NAMES[ECONNREFUSED] = "ECONNREFUSED";
        TEXTS[ECONNREFUSED] = "Connection refused";
        NAMES[EALREADY] = "EALREADY";
        TEXTS[EALREADY] = "Operation already in progress";
        NAMES[EINPROGRESS] = "EINPROGRESS";
        TEXTS[EINPROGRESS] = "Operation now in progress";
        NAMES[ESTALE] = "ESTALE";
        TEXTS[ESTALE] = "Stale file handle";
        NAMES[EDQUOT] = "EDQUOT";
        TEXTS[EDQUOT] = "Disk quota exceeded";
        NAMES[ECANCELED] = "ECANCELED";
        TEXTS[ECANCELED] = "Operation canceled";
        NAMES[EOWNERDEAD] = "EOWNERDEAD";
        TEXTS[EOWNERDEAD] = "Owner died";
        NAMES[ENOTRECOVERABLE] = "ENOTRECOVERABLE";
        TEXTS[ENOTRECOVERABLE] = "State not recoverable";
        NAMES[ERESTARTSYS] = "ERESTARTSYS";
        NAMES[ERESTARTNOINTR] = "ERESTARTNOINTR";
        NAMES[ERESTARTNOHAND] = "ERESTARTNOHAND";
        NAMES[ERESTART_RESTARTBLOCK] = "ERESTART_RESTARTBLOCK";
    }

    /** The symbolic name ("ENOENT"), or the number if unknown. */
    public static String name(int errno) {
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null) return NAMES[errno];
        return Integer.toString(errno);
    }

    /** strerror(3)'s text, as glibc prints it. */
    public static String text(int errno) {
        if (errno > 0 && errno < TEXTS.length && TEXTS[errno] != null) return TEXTS[errno];
        return "Unknown error " + errno;
    }
}
