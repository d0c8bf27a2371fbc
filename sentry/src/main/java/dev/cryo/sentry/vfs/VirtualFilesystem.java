package dev.cryo.sentry.vfs;

import static dev.cryo.sentry.abi.Errno.EACCES;
import static dev.cryo.sentry.abi.Errno.EBUSY;
import static dev.cryo.sentry.abi.Errno.EEXIST;
import static dev.cryo.sentry.abi.Errno.EINVAL;
import static dev.cryo.sentry.abi.Errno.EISDIR;
import static dev.cryo.sentry.abi.Errno.ELOOP;
import static dev.cryo.sentry.abi.Errno.ENOENT;
import static dev.cryo.sentry.abi.Errno.ENOTDIR;
import static dev.cryo.sentry.abi.Errno.ENOTEMPTY;
import static dev.cryo.sentry.abi.Errno.EROFS;

import dev.cryo.sentry.abi.SyscallError;
import dev.cryo.sentry.mm.MappingSource;
import dev.cryo.sentry.sync.KernelLock;
import dev.cryo.serializer.Savable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;

/**
 * The sandbox's filesystem tree (Linux's fs/namei.c and fs/open.c, gVisor's vfs): a read-only
 * host directory as "/", with the Sentry's memory devices over /dev/{null,zero,full,random,
 * urandom}. Paths come in as byte strings (one char per byte, ISO-8859-1) relative to a base
 * directory that is canonical (the cwd, or a dirfd's path); the host filesystem resolves them
 * confined to its root.
 *
 * <p>The tree is read-only: every call that would change it fails with EROFS, after the
 * checks Linux makes before it asks the mount for write access (a missing parent is ENOENT,
 * an existing target of O_CREAT|O_EXCL or mkdir is EEXIST, and so on).
 *
 * <p>The filesystems themselves live in {@code fs.*} and are handed in: this package only
 * knows their {@link Filesystem} and {@link Devices} interfaces.
 *
 * <p>Saved with the kernel (both filesystems are savable); {@link #verifySame} checks the host
 * side after a restore.
 */
@Savable
public final class VirtualFilesystem implements HostBacked {
    private final Filesystem root;
    private final Devices devices;
    /** The kernel's /proc, once {@link #mountProc} gave it; null: /proc is the host's, masked. */
    @dev.cryo.serializer.Rebuilt("mounted again by the kernel it serves, in Kernel.afterLoad: a tree saved alone is saved without it")
    private transient ProcFiles proc;
    /** flock(2) locks by file ("dev:ino"): only files someone holds a lock on. */
    private HashMap<String, Flock> flocks = new HashMap<>();

    public VirtualFilesystem(Filesystem root, Devices devices) {
        this.root = root;
        this.devices = devices;
    }

    /** Serves /proc from {@code p}, the kernel's (set when the kernel is made or loaded). */
    public void mountProc(ProcFiles p) {
        this.proc = p;
    }

    /**
     * The /proc path that a /dev alias names, or null: /dev/fd, /dev/stdin, /dev/stdout and
     * /dev/stderr are symbolic links into /proc/self (the host's point into the host's /proc).
     */
    static String devAlias(String clean) {
        if (clean.equals("/dev/fd") || clean.startsWith("/dev/fd/")) return "/proc/self/fd" + clean.substring(7);
        switch (clean) {
            case "/dev/stdin":
                return "/proc/self/fd/0";
            case "/dev/stdout":
                return "/proc/self/fd/1";
            case "/dev/stderr":
                return "/proc/self/fd/2";
            default:
                return null;
        }
    }

    /**
     * {@code abs} (under /proc) with each ".." taken from where the walk is, a /proc symlink
     * followed first ("/proc/self/cwd/.." is the parent of the cwd, not /proc/self, as
     * {@link #lexicalClean} alone would make it); ENOTDIR where ".." follows a file.
     */
    private String procDots(String abs) {
        String at = "/";
        for (String c : abs.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (at.startsWith("/proc/")) {
                    try (Node n = lookup("/", at, true)) {
                        if (!Stat.isDir(n.stat())) throw SyscallError.of(ENOTDIR);
                        at = n.path();
                    }
                }
                int slash = at.lastIndexOf('/');
                at = slash <= 0 ? "/" : at.substring(0, slash);
                continue;
            }
            at = at.equals("/") ? "/" + c : at + "/" + c;
        }
        return abs.endsWith("/") && !at.equals("/") ? at + "/" : at;
    }

    // ---- paths

    /** Decodes a guest path as read from memory: one char per byte. */
    public static String pathString(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static byte[] pathBytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code path} made absolute against canonical directory {@code base}; not cleaned. */
    public static String absolute(String base, String path) {
        if (path.startsWith("/")) return path;
        return base.endsWith("/") ? base + path : base + "/" + path;
    }

    /** {@code abs} with ".", ".." and repeated slashes removed by name only (no symlinks). */
    static String lexicalClean(String abs) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String c : abs.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    // ---- flock(2)

    /**
     * flock(2) on {@code f} with {@code op} (LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB): EINVAL
     * for another operation; the lock is on the file, by its device and inode, whatever path or
     * descriptor reached it. {@code lock} is the kernel lock, held by the caller.
     */
    public void flock(FileDescription f, int op, KernelLock lock) {
        int cmd = op & ~Flock.LOCK_NB;
        if (cmd != Flock.LOCK_SH && cmd != Flock.LOCK_EX && cmd != Flock.LOCK_UN) throw SyscallError.of(EINVAL);
        if (cmd == Flock.LOCK_UN) {
            if (f.flock != null) f.flock.drop(f);
            return;
        }
        if (flocks == null) flocks = new HashMap<>();
        byte[] st = f.stat();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        String key = Long.toUnsignedString(b.getLong(0)) + ":" + Long.toUnsignedString(b.getLong(8));
        Flock l = flocks.computeIfAbsent(key, k -> new Flock(k, lock, flocks));
        l.acquire(f, cmd == Flock.LOCK_EX, (op & Flock.LOCK_NB) != 0);
    }

    // ---- lookups

    /**
     * Resolves {@code path} from {@code base}; follows a final symlink if {@code follow}. ENOENT
     * for an empty path. The caller closes the node.
     */
    public Node lookup(String base, String path, boolean follow) {
        if (path.isEmpty()) throw SyscallError.of(ENOENT);
        String abs = absolute(base, path);
        if (proc != null && abs.startsWith("/proc/") && abs.contains("..")) abs = procDots(abs);
        String clean = lexicalClean(abs);
        if (proc != null) {
            // A trailing slash asks for a directory: the last link is followed (LOOKUP_FOLLOW).
            boolean followLast = follow || abs.endsWith("/");
            // The alias itself is the host's symlink (lstat sees it); what it leads to is /proc's.
            String alias = clean.startsWith("/dev/") ? devAlias(clean) : null;
            if (alias != null && (followLast || clean.startsWith("/dev/fd/"))) clean = alias;
            if (clean.equals("/proc") || clean.startsWith("/proc/")) {
                Node n = proc.lookup(clean, followLast);
                if (abs.endsWith("/") && !Stat.isDir(n.stat())) {
                    n.close();
                    throw SyscallError.of(ENOTDIR);
                }
                return n;
            }
        }
        if (clean.startsWith("/dev/")) {
            int slash = clean.indexOf('/', 5);
            Node d = devices.lookup(slash < 0 ? clean : clean.substring(0, slash));
            if (d != null) {
                // A device is not a directory: "/dev/null/" and "/dev/null/x" are ENOTDIR.
                if (slash >= 0 || abs.endsWith("/")) {
                    d.close();
                    throw SyscallError.of(ENOTDIR);
                }
                return d;
            }
        }
        Caller c = Caller.current();
        Node n;
        try {
            n = root.lookup(abs, follow);
        } catch (SyscallError e) {
            // A name missing in a directory the caller may not search is EACCES, not ENOENT:
            // Linux checks the search permission before it looks the name up.
            if (c != null) searchableAsFarAsItExists(clean, c);
            throw e;
        }
        if (c != null) {
            try {
                searchable(n.path(), c);
            } catch (SyscallError e) {
                n.close();
                throw e;
            }
        }
        return n;
    }

    /** {@link #searchable} for the directories of {@code clean} that exist, from the root down. */
    private void searchableAsFarAsItExists(String clean, Caller c) {
        int end = clean.lastIndexOf('/');
        for (int i = clean.indexOf('/'); i >= 0 && i <= end; i = clean.indexOf('/', i + 1)) {
            byte[] st;
            try (Node d = root.lookup(i == 0 ? "/" : clean.substring(0, i), true)) {
                st = d.stat();
            } catch (SyscallError e) {
                return; // the rest does not exist: the first error stands
            }
            if (!Stat.isDir(st)) return;
            permission(st, 1, c.uid(), c.gid(), c.groups());
        }
    }

    /**
     * may_lookup for a caller that is not root: every directory above {@code canonical} must
     * grant it search (x) permission, else EACCES. Checked on the canonical path, after the host
     * resolved it in one step: the directories a symbolic link was found in are not looked at.
     */
    private void searchable(String canonical, Caller c) {
        int end = canonical.lastIndexOf('/');
        for (int i = canonical.indexOf('/'); i >= 0 && i <= end; i = canonical.indexOf('/', i + 1)) {
            try (Node d = root.lookup(i == 0 ? "/" : canonical.substring(0, i), true)) {
                byte[] st = d.stat();
                if (Stat.isDir(st)) permission(st, 1, c.uid(), c.gid(), c.groups());
            }
        }
    }

    public byte[] stat(String base, String path, boolean follow) {
        try (Node n = lookup(base, path, follow)) {
            return n.stat();
        }
    }

    public byte[] statfs(String base, String path) {
        try (Node n = lookup(base, path, true)) {
            return n.statfs();
        }
    }

    public byte[] readlink(String base, String path) {
        try (Node n = lookup(base, path, false)) {
            return n.readlink();
        }
    }

    /** The canonical path of directory {@code path} (chdir); ENOTDIR if it is not one. */
    public String lookupDirectory(String base, String path) {
        try (Node n = lookup(base, path, true)) {
            if (!Stat.isDir(n.stat())) throw SyscallError.of(ENOTDIR);
            return n.path();
        }
    }

    /**
     * access(2) of {@code path} for a task with filesystem ids {@code uid}/{@code gid}: root
     * passes read and write checks and needs one x bit to execute a non-directory
     * (generic_permission with CAP_DAC_OVERRIDE); W_OK on this read-only tree is EROFS.
     */
    public void access(String base, String path, int mode, boolean follow, int uid, int gid, int[] groups) {
        try (Node n = lookup(base, path, follow)) {
            checkAccess(n.stat(), mode, uid, gid, groups);
        }
    }

    static void checkAccess(byte[] st, int mode, int uid, int gid, int[] groups) {
        final int W = 2;
        int type = Stat.type(st);
        if ((mode & W) != 0 && (type == Stat.S_IFREG || type == Stat.S_IFDIR || type == Stat.S_IFLNK)) {
            throw SyscallError.of(EROFS);
        }
        permission(st, mode, uid, gid, groups);
    }

    /**
     * generic_permission: {@code mode}'s R (4), W (2) and X (1) against the owner's, the
     * group's (the file's group among the caller's) or the others' bits; root passes read and
     * write and needs one x bit to execute a non-directory (CAP_DAC_OVERRIDE). EACCES if denied.
     */
    static void permission(byte[] st, int mode, int uid, int gid, int[] groups) {
        final int R = 4, W = 2, X = 1;
        int type = Stat.type(st);
        int perm = Stat.mode(st) & 0777;
        if (uid == 0) {
            if ((mode & X) != 0 && type != Stat.S_IFDIR && (perm & 0111) == 0) throw SyscallError.of(EACCES);
            return;
        }
        int bits = uid == Stat.uid(st) ? perm >> 6 : inGroup(Stat.gid(st), gid, groups) ? perm >> 3 : perm;
        if ((mode & ~bits & (R | W | X)) != 0) throw SyscallError.of(EACCES);
    }

    private static boolean inGroup(int fileGid, int gid, int[] groups) {
        if (fileGid == gid) return true;
        for (int g : groups) if (g == fileGid) return true;
        return false;
    }

    // ---- open

    /**
     * open(2) of {@code path} from {@code base} with {@code flags}; the description's flags are
     * what F_GETFL reports. Regular files and directories open for reading only: writing, or
     * creating, truncating, O_TMPFILE, is EROFS.
     */
    public FileDescription open(String base, String path, int flags) {
        return open(base, path, flags, 0, 0, new int[0]);
    }

    /**
     * As {@link #open(String, String, int)}, for a task with filesystem ids {@code uid} and
     * {@code gid} and supplementary {@code groups}: the file must grant the access asked
     * (EACCES); search permission on the directories on the way is not checked.
     */
    public FileDescription open(String base, String path, int flags, int uid, int gid, int[] groups) {
        // fs/open.c build_open_flags: __O_TMPFILE only ever comes with O_DIRECTORY.
        final int tmpfileBit = OpenFlags.O_TMPFILE & ~OpenFlags.O_DIRECTORY;
        if ((flags & tmpfileBit) != 0 && (flags & OpenFlags.O_TMPFILE) != OpenFlags.O_TMPFILE) {
            throw SyscallError.of(EINVAL);
        }
        if ((flags & OpenFlags.O_TMPFILE) == OpenFlags.O_TMPFILE) {
            int acc = flags & OpenFlags.O_ACCMODE;
            if (acc != OpenFlags.O_WRONLY && acc != OpenFlags.O_RDWR) throw SyscallError.of(EINVAL);
            lookupDirectory(base, path);
            throw SyscallError.of(EROFS);
        }
        if ((flags & OpenFlags.O_PATH) != 0) {
            flags &= OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
        } else if ((flags & (OpenFlags.O_CREAT | OpenFlags.O_DIRECTORY)) == (OpenFlags.O_CREAT | OpenFlags.O_DIRECTORY)) {
            throw SyscallError.of(EINVAL); // since Linux 6.4
        }
        if (path.isEmpty()) throw SyscallError.of(ENOENT);
        boolean pathOnly = (flags & OpenFlags.O_PATH) != 0;
        boolean creat = (flags & OpenFlags.O_CREAT) != 0 && !pathOnly;
        boolean follow = (flags & OpenFlags.O_NOFOLLOW) == 0
                && !(creat && (flags & OpenFlags.O_EXCL) != 0);
        Node n;
        if (creat) {
            Last last = parent(base, path);
            if (last.kind != Last.NORMAL) throw SyscallError.of(EISDIR);
            try {
                n = lookup(base, path, follow);
            } catch (SyscallError e) {
                if (e.errno() == ENOENT) throw SyscallError.of(EROFS); // would create it
                throw e;
            }
            if ((flags & OpenFlags.O_EXCL) != 0) {
                n.close();
                throw SyscallError.of(EEXIST);
            }
        } else {
            n = lookup(base, path, follow);
        }
        try {
            byte[] st = n.stat();
            int type = Stat.type(st);
            boolean dir = type == Stat.S_IFDIR;
            if ((flags & OpenFlags.O_DIRECTORY) != 0 && !dir) {
                throw SyscallError.of(type == Stat.S_IFLNK && !pathOnly ? ELOOP : ENOTDIR);
            }
            if (pathOnly) return n.open(flags);
            if (type == Stat.S_IFLNK) throw SyscallError.of(ELOOP); // O_NOFOLLOW on a symlink
            if (creat && dir) throw SyscallError.of(EISDIR);
            int acc = flags & OpenFlags.O_ACCMODE;
            boolean write = acc != OpenFlags.O_RDONLY;
            // O_TRUNC asks for write access too (build_open_flags: MAY_WRITE), so a directory
            // opened with it is EISDIR, as may_open says, even for O_RDONLY.
            if (dir && (write || (flags & OpenFlags.O_TRUNC) != 0)) throw SyscallError.of(EISDIR);
            if (n.inReadOnlyTree() && ((type == Stat.S_IFREG && (write || (flags & OpenFlags.O_TRUNC) != 0)) || (dir && write))) {
                throw SyscallError.of(EROFS);
            }
            // may_open: MAY_READ for O_RDONLY/O_RDWR, MAY_WRITE for O_WRONLY/O_RDWR (or O_TRUNC).
            int want = (acc != OpenFlags.O_WRONLY ? 4 : 0) | (write || (flags & OpenFlags.O_TRUNC) != 0 ? 2 : 0);
            permission(st, want, uid, gid, groups);
            int kept = flags & ~(OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_NOCTTY
                    | OpenFlags.O_TRUNC | OpenFlags.O_CLOEXEC);
            return n.open(kept | OpenFlags.O_LARGEFILE);
        } finally {
            n.close();
        }
    }

    // ---- calls that would change the tree: their checks, then EROFS

    /** The last component of a path, by kind (Linux's LAST_NORM / LAST_DOT / LAST_DOTDOT / LAST_ROOT). */
    record Last(int kind, String name) {
        static final int NORMAL = 0, DOT = 1, DOTDOT = 2, ROOT = 3;
    }

    /** Checks that {@code path}'s parent exists and is a directory; returns its last component. */
    Last parent(String base, String path) {
        if (path.isEmpty()) throw SyscallError.of(ENOENT);
        String abs = absolute(base, path);
        int end = abs.length();
        while (end > 1 && abs.charAt(end - 1) == '/') end--;
        String trimmed = abs.substring(0, end);
        if (trimmed.equals("/")) return new Last(Last.ROOT, "/");
        int slash = trimmed.lastIndexOf('/');
        String dir = slash == 0 ? "/" : trimmed.substring(0, slash);
        String name = trimmed.substring(slash + 1);
        lookupDirectory("/", dir);
        int kind = name.equals(".") ? Last.DOT : name.equals("..") ? Last.DOTDOT : Last.NORMAL;
        return new Last(kind, name);
    }

    /** mkdir, mknod, symlink, link's new name: EEXIST if the name is taken, else EROFS. */
    public void checkCreate(String base, String path) {
        Last last = parent(base, path);
        if (last.kind != Last.NORMAL) throw SyscallError.of(EEXIST);
        try (Node n = lookup(base, path, false)) {
            throw SyscallError.of(EEXIST);
        } catch (SyscallError e) {
            if (e.errno() == ENOENT) throw SyscallError.of(EROFS);
            throw e;
        }
    }

    /** unlink and rmdir: Linux asks for write access before it looks the name up. */
    public void checkRemove(String base, String path, boolean rmdir) {
        Last last = parent(base, path);
        if (rmdir) {
            if (last.kind == Last.DOT) throw SyscallError.of(EINVAL);
            if (last.kind == Last.DOTDOT) throw SyscallError.of(ENOTEMPTY);
            if (last.kind == Last.ROOT) throw SyscallError.of(EBUSY);
        } else if (last.kind != Last.NORMAL) {
            throw SyscallError.of(EISDIR);
        }
        throw SyscallError.of(EROFS);
    }

    /** rename: both parents must exist; "." or ".." or "/" at either end is EBUSY. */
    public void checkRename(String base, String from, String newBase, String to) {
        Last a = parent(base, from);
        Last b = parent(newBase, to);
        if (a.kind != Last.NORMAL || b.kind != Last.NORMAL) throw SyscallError.of(EBUSY);
        throw SyscallError.of(EROFS);
    }

    /** chmod, chown, utimes, setxattr: the file must exist; then EROFS. */
    public void checkModify(String base, String path, boolean follow) {
        try (Node n = lookup(base, path, follow)) {
            throw SyscallError.of(EROFS);
        }
    }

    /** truncate: EISDIR for a directory, EINVAL for what is not a regular file, else EROFS. */
    public void checkTruncate(String base, String path) {
        try (Node n = lookup(base, path, true)) {
            int type = Stat.type(n.stat());
            if (type == Stat.S_IFDIR) throw SyscallError.of(EISDIR);
            if (type != Stat.S_IFREG) throw SyscallError.of(EINVAL);
            throw SyscallError.of(EROFS);
        }
    }

    // ---- what the kernel asks at start

    /** The canonical form of directory {@code path} (absolute), for the first task's cwd. */
    public String canonicalDirectory(String path) {
        return lookupDirectory("/", utf8(path));
    }

    /**
     * The executable at {@code path} for execve: ENOENT/ENOTDIR/ELOOP from the lookup, EACCES
     * unless it is a regular file with an x bit (as root: any of the three). The source reopens
     * the file for each read, so it holds no host descriptor between them.
     */
    public MappingSource openExecutable(FsContext fs, String path) {
        return openExecutable(fs, path, 0, 0, new int[0]);
    }

    /** As {@link #openExecutable(FsContext, String)}, for a task with these filesystem ids: MAY_EXEC for its class of the file's bits. */
    public MappingSource openExecutable(FsContext fs, String path, int uid, int gid, int[] groups) {
        String p = utf8(path);
        String canonical;
        try (Node n = lookup(fs.cwd(), p, true)) {
            byte[] st = n.stat();
            if (!Stat.isRegular(st) || (Stat.mode(st) & 0111) == 0) throw SyscallError.of(EACCES);
            permission(st, 1, uid, gid, groups);
            canonical = n.path();
        }
        return new MappingSource() {
            @Override
            public long readInto(long hostAddress, long len, long offset) {
                try (Node n = lookup("/", canonical, false)) {
                    FileDescription f = n.open(OpenFlags.O_RDONLY);
                    f.incRef();
                    try {
                        return f.mappable().readInto(hostAddress, len, offset);
                    } finally {
                        f.decRef();
                    }
                }
            }

            @Override
            public String name() {
                return canonical;
            }
        };
    }

    /** Whether {@code path} names a regular file with an x bit (for the PATH search). */
    public boolean isExecutableFile(String path) {
        try (Node n = lookup("/", utf8(path), true)) {
            byte[] st = n.stat();
            return Stat.isRegular(st) && (Stat.mode(st) & 0111) != 0;
        } catch (SyscallError e) {
            return false;
        }
    }

    /** Checks, after a restore, that the host filesystems are still there (see {@link HostBacked}). */
    @Override
    public void verifySame(boolean acceptChanged) {
        if (root instanceof HostBacked h) h.verifySame(acceptChanged);
        if (devices instanceof HostBacked h) h.verifySame(acceptChanged);
    }

    /** Releases the host root descriptor (when the sandbox ends; Sandbox.close should call it). */
    public void close() {
        root.close();
    }

    /** A Java string from the CLI, as the byte string the sandbox sees. */
    private static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
