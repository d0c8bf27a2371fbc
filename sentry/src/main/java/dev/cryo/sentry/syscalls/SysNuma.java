package dev.cryo.sentry.syscalls;

import static dev.cryo.sentry.abi.Errno.EFAULT;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.syscalls.Arg.HEX;
import static dev.cryo.sentry.syscalls.Arg.INT;
import static dev.cryo.sentry.syscalls.Arg.PROT;
import static dev.cryo.sentry.syscalls.Arg.PTR;
import static dev.cryo.sentry.syscalls.Arg.SIZE;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.abi.Sysno;
import dev.cryo.sentry.kernel.Task;
import dev.cryo.sentry.mm.Usermem;

/**
 * What a sandbox says of its memory's placement and protection keys: one NUMA node (node 0),
 * every task on the default policy (get_mempolicy, mm/mempolicy.c), and no protection keys to
 * hand out (pkey_alloc is EINVAL, as Linux answers on a CPU without them; mm/mprotect.c).
 */
final class SysNuma {
    private SysNuma() {}

    private static final int MPOL_DEFAULT = 0;
    private static final int MPOL_F_NODE = 1, MPOL_F_ADDR = 2, MPOL_F_MEMS_ALLOWED = 4;

    static void register(SyscallTable t) {
        t.partial(Sysno.GET_MEMPOLICY, "one node; every task on MPOL_DEFAULT (set_mempolicy and mbind are not implemented)",
                SysNuma::getMempolicy, PTR, PTR, SIZE, HEX, HEX);
        t.partial(Sysno.PKEY_ALLOC, "no protection keys: EINVAL, as on a CPU without them", SysNuma::pkeyAlloc, HEX, HEX);
        t.partial(Sysno.PKEY_FREE, "no key is ever allocated: EINVAL", SysNuma::pkeyFree, INT);
        t.partial(Sysno.PKEY_MPROTECT, "key -1 only (plain mprotect); any other key was never allocated: EINVAL",
                SysNuma::pkeyMprotect, HEX, SIZE, PROT, INT);
    }

    /** Implements Linux get_mempolicy(2) (kernel_get_mempolicy, do_get_mempolicy) for one node. */
    static long getMempolicy(Task t) {
        long modeAddr = t.arg(0), maskAddr = t.arg(1), maxnode = t.arg(2), addr = t.arg(3), flags = t.arg(4);
        Usermem mem = t.mm().usermem();
        if (maskAddr != 0 && maxnode < 1) throw SyscallError.of(EINVAL); // nr_node_ids is 1
        if ((flags & ~(long) (MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED)) != 0) throw SyscallError.of(EINVAL);
        int mode;
        boolean node0 = false; // the nodemask holds node 0 (else it is empty)
        if ((flags & MPOL_F_MEMS_ALLOWED) != 0) {
            if ((flags & (MPOL_F_NODE | MPOL_F_ADDR)) != 0) throw SyscallError.of(EINVAL);
            mode = 0;
            node0 = true;
        } else {
            if ((flags & MPOL_F_ADDR) != 0) {
                if (t.mm().vmaAt(addr) == null) throw SyscallError.of(EFAULT);
            } else if (addr != 0) {
                throw SyscallError.of(EINVAL);
            }
            if ((flags & MPOL_F_NODE) != 0) {
                // The node the page at addr is on: node 0. Without MPOL_F_ADDR it asks for the
                // next interleave node, and the default policy does not interleave.
                if ((flags & MPOL_F_ADDR) == 0) throw SyscallError.of(EINVAL);
                mode = 0;
            } else {
                mode = MPOL_DEFAULT;
            }
        }
        if (modeAddr != 0) mem.writeInt(modeAddr, mode);
        if (maskAddr != 0) {
            // copy_nodes_to_user: maxnode - 1 bits, in whole longs, the rest zeroed.
            long longs = (maxnode - 1 + 63) / 64;
            if (longs * 8 > 4096) throw SyscallError.of(EINVAL); // more than a page
            if (longs > 0) {
                byte[] b = new byte[(int) longs * 8];
                if (node0) b[0] = 1;
                mem.write(maskAddr, b);
            }
        }
        return 0;
    }

    /** Implements Linux pkey_alloc(2) as on a CPU without protection keys: EINVAL whatever the arguments. */
    static long pkeyAlloc(Task t) {
        throw SyscallError.of(EINVAL);
    }

    /** Implements Linux pkey_free(2): no key was allocated. */
    static long pkeyFree(Task t) {
        throw SyscallError.of(EINVAL);
    }

    /** Implements Linux pkey_mprotect(2): key -1 is mprotect; others were never allocated. */
    static long pkeyMprotect(Task t) {
        if (t.intArg(3) != -1) throw SyscallError.of(EINVAL);
        return SysMmap.mprotect(t);
    }
}
