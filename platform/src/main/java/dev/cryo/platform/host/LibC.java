package dev.cryo.platform.host;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import java.util.Arrays;

/**
 * The C functions Cryo calls, bound through jffi, the JNI core of jnr-ffi. Logic-free: each
 * constant is one C prototype; {@link Host} wraps them and turns {@code -1}/errno into
 * {@link HostException}.
 *
 * <p>Why jffi's call sites and not a jnr-ffi interface: jnr-ffi generates its interface
 * implementations with ASM when the library is loaded, which cost ~110 ms of every start of
 * {@code cryo} here (measured with a 6-method interface), a third of {@code cryo run /bin/true}.
 * A jffi call site costs nothing to make and calls as fast. Every argument travels as a 64-bit
 * integer, which is what the x86-64 calling convention does with ints and pointers anyway.
 */
final class LibC {
    private LibC() {}

    private static final Invoker INVOKER = Invoker.getInstance();
    private static final Library LIBC = Library.getCachedInstance("libc.so.6", Library.LAZY | Library.GLOBAL);

    /** {@code long syscall(long number, ...);} (glibc's syscall.S: no va_list, registers only). */
    static final Fn SYSCALL = new Fn("syscall", 6);
    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);} */
    static final Fn MMAP = new Fn("mmap", 6);
    /** {@code ssize_t process_vm_readv(pid_t, const struct iovec *, unsigned long, const struct iovec *, unsigned long, unsigned long);} */
    static final Fn PROCESS_VM_READV = new Fn("process_vm_readv", 6);
    /** {@code ssize_t process_vm_writev(pid_t, const struct iovec *, unsigned long, const struct iovec *, unsigned long, unsigned long);} */
    static final Fn PROCESS_VM_WRITEV = new Fn("process_vm_writev", 6);
    /** {@code int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);} returns an error number */
    static final Fn POSIX_SPAWN = new Fn("posix_spawn", 6);
    /** {@code int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);} */
    static final Fn FA_INIT = new Fn("posix_spawn_file_actions_init", 1);
    /** {@code int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);} */
    static final Fn FA_DESTROY = new Fn("posix_spawn_file_actions_destroy", 1);
    /** {@code int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);} */
    static final Fn FA_ADDDUP2 = new Fn("posix_spawn_file_actions_adddup2", 3);
    /** {@code int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);} (glibc 2.34) */
    static final Fn FA_ADDCLOSEFROM = new Fn("posix_spawn_file_actions_addclosefrom_np", 2);
    /** {@code int posix_spawnattr_init(posix_spawnattr_t *attr);} */
    static final Fn ATTR_INIT = new Fn("posix_spawnattr_init", 1);
    /** {@code int posix_spawnattr_destroy(posix_spawnattr_t *attr);} */
    static final Fn ATTR_DESTROY = new Fn("posix_spawnattr_destroy", 1);
    /** {@code int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);} */
    static final Fn ATTR_SETFLAGS = new Fn("posix_spawnattr_setflags", 2);
    /** {@code char *strerror(int errnum);} */
    static final Fn STRERROR = new Fn("strerror", 1);

    /** One C function: its address and a call context of {@code arity} 64-bit arguments. */
    static final class Fn {
        private final String name;
        private final long address;
        private final CallContext context;

        Fn(String name, int arity) {
            this.name = name;
            this.address = LIBC.getSymbolAddress(name);
            if (address == 0) throw new UnsatisfiedLinkError("libc has no " + name + ": " + Library.getLastError());
            Type[] params = new Type[arity];
            Arrays.fill(params, Type.SINT64);
            this.context = CallContext.getCallContext(Type.SINT64, params, CallingConvention.DEFAULT, true);
        }

        String name() {
            return name;
        }

        long call(long a0) {
            return INVOKER.invokeN1(context, address, a0);
        }

        long call(long a0, long a1) {
            return INVOKER.invokeN2(context, address, a0, a1);
        }

        long call(long a0, long a1, long a2) {
            return INVOKER.invokeN3(context, address, a0, a1, a2);
        }

        long call(long a0, long a1, long a2, long a3, long a4, long a5) {
            return INVOKER.invokeN6(context, address, a0, a1, a2, a3, a4, a5);
        }
    }

    /** errno as the last call on this thread left it. */
    static int errno() {
        return LastError.getInstance().get();
    }
}
