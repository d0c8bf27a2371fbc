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
 * What a sandbox says of its memory's placement and protection keys: one NUMA node (node 0);
 * each task's policy as set_mempolicy set it, checked as Linux checks it and reported back by
 * get_mempolicy (mm/mempolicy.c) — with one node, every policy places memory alike; and no
 * protection keys to hand out (pkey_alloc is EINVAL, as Linux answers on a CPU without them;
 * mm/mprotect.c).
 */
final class SysNuma {
    private SysNuma() {}

    private static final int MPOL_DEFAULT = 0, MPOL_PREFERRED = 1, MPOL_BIND = 2, MPOL_INTERLEAVE = 3, MPOL_LOCAL = 4,
            MPOL_PREFERRED_MANY = 5, MPOL_WEIGHTED_INTERLEAVE = 6, MPOL_MAX = 7;
    private static final int MPOL_F_STATIC_NODES = 1 << 15, MPOL_F_RELATIVE_NODES = 1 << 14,
            MPOL_F_NUMA_BALANCING = 1 << 13, MPOL_MODE_FLAGS = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;
    private static final int MPOL_F_NODE = 1, MPOL_F_ADDR = 2, MPOL_F_MEMS_ALLOWED = 4;

    static void register(SyscallTable t) {
        t.partial(Sysno.GET_MEMPOLICY, "one node; a mapping's own policy is always the default (mbind is not implemented)",
                SysNuma::getMempolicy, PTR, PTR, SIZE, HEX, HEX);
        t.partial(Sysno.SET_MEMPOLICY, "one node: the policy is checked and kept, and places memory as any other",
                SysNuma::setMempolicy, HEX, PTR, SIZE);
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
            // With MPOL_F_ADDR the policy asked about is the mapping's own: never set (no mbind).
            int pol = (flags & MPOL_F_ADDR) != 0 ? MPOL_DEFAULT : t.mempolicy();
            if ((flags & MPOL_F_NODE) != 0) {
                // The node the page at addr is on: node 0. Without MPOL_F_ADDR it asks for the
                // next interleave node (node 0), which only an interleaving task has.
                if ((flags & MPOL_F_ADDR) == 0 && (pol & ~MPOL_MODE_FLAGS) != MPOL_INTERLEAVE) throw SyscallError.of(EINVAL);
                mode = 0;
            } else {
                mode = pol;
            }
            node0 = false;
            int m = pol & ~MPOL_MODE_FLAGS;
            if (m != MPOL_DEFAULT && m != MPOL_LOCAL) node0 = true;
        }
        long userNodes = (flags & (MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR)) == 0
                && (t.mempolicy() & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) != 0 ? t.mempolicyNodes() : -1;
        if (modeAddr != 0) mem.writeInt(modeAddr, mode);
        if (maskAddr != 0) {
            // copy_nodes_to_user: maxnode - 1 bits, in whole longs, the rest zeroed.
            long longs = (maxnode - 1 + 63) / 64;
            if (longs * 8 > 4096) throw SyscallError.of(EINVAL); // more than a page
            if (longs > 0) {
                byte[] b = new byte[(int) longs * 8];
                // mpol_store_user_nodemask: static and relative policies report the user's mask;
                // past one long, copy_nodes_to_user copies nr_node_ids (1) bits and zeroes the rest.
                long word = userNodes != -1 ? userNodes : node0 ? 1 : 0;
                long bits = maxnode - 1;
                word &= bits > 64 ? 1 : bits == 64 ? -1L : (1L << bits) - 1;
                for (int i = 0; i < 8; i++) b[i] = (byte) (word >>> (8 * i));
                mem.write(maskAddr, b);
            }
        }
        return 0;
    }

    /** Implements Linux set_mempolicy(2) (sanitize_mpol_flags, get_nodes, mpol_new) for one node. */
    static long setMempolicy(Task t) {
        int arg = t.intArg(0);
        long maskAddr = t.arg(1), maxnode = t.arg(2);
        int flags = arg & MPOL_MODE_FLAGS, mode = arg & ~MPOL_MODE_FLAGS;
        if (mode < 0 || mode >= MPOL_MAX) throw SyscallError.of(EINVAL);
        if ((flags & MPOL_F_STATIC_NODES) != 0 && (flags & MPOL_F_RELATIVE_NODES) != 0) throw SyscallError.of(EINVAL);
        if ((flags & MPOL_F_NUMA_BALANCING) != 0 && mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY) {
            throw SyscallError.of(EINVAL);
        }
        long nodes = userNodes(t, maskAddr, maxnode);
        boolean empty = nodes == 0, named = (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) != 0;
        if (mode == MPOL_DEFAULT) {
            if (!empty) throw SyscallError.of(EINVAL);
            t.setMempolicy(MPOL_DEFAULT, 0);
            return 0;
        }
        if (mode == MPOL_PREFERRED && empty) {
            if (named) throw SyscallError.of(EINVAL);
            mode = MPOL_LOCAL; // an empty preferred set is local allocation
        } else if (mode == MPOL_LOCAL) {
            if (!empty || named) throw SyscallError.of(EINVAL);
        } else if (empty) {
            throw SyscallError.of(EINVAL);
        }
        // The nodes allowed are node 0 alone: a plain or static set must hold it; a relative set
        // maps onto it whatever it names.
        if (mode != MPOL_LOCAL && (flags & MPOL_F_RELATIVE_NODES) == 0 && (nodes & 1) == 0) throw SyscallError.of(EINVAL);
        t.setMempolicy(mode | flags, nodes);
        return 0;
    }

    /**
     * get_nodes: the first {@code maxnode - 1} bits at {@code addr} (none for a null mask or
     * maxnode of 1), read whole for EFAULT; EINVAL past a page of them.
     */
    private static long userNodes(Task t, long addr, long maxnode) {
        long bits = maxnode - 1;
        if (addr == 0 || bits == 0) return 0;
        if (Long.compareUnsigned(bits, 4096L * 8) > 0) throw SyscallError.of(EINVAL);
        Usermem mem = t.mm().usermem();
        long longs = (bits + 63) / 64;
        byte[] b = mem.read(addr, (int) longs * 8); // EFAULT as get_bitmap
        long first = 0;
        for (int i = 0; i < 8; i++) first |= (b[i] & 0xffL) << (8 * i);
        if (bits < 64) first &= (1L << bits) - 1;
        return first; // nodes past 63 do not exist either: dropped, as the nodes allowed drop them
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
