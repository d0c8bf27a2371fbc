package dev.cryo.sentry.vfs;

/**
 * Whose system call the filesystem is serving (the filesystem ids and groups of the task), for
 * the permission checks of path walks (may_lookup's MAY_EXEC on each directory). Set by the
 * dispatcher on the task's thread for each call; absent (null) for root, which passes every
 * search, and off the task threads.
 *
 * @param uid filesystem uid (non-zero)
 * @param gid filesystem gid
 * @param groups supplementary groups
 */
public record Caller(int uid, int gid, int[] groups) {
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

    /** The calling thread's task is now {@code uid}/{@code gid}/{@code groups}; root clears it. */
    public static void set(int uid, int gid, int[] groups) {
        CURRENT.set(uid == 0 ? null : new Caller(uid, gid, groups));
    }

    /** The caller if it is not root, else null. */
    static Caller current() {
        return CURRENT.get();
    }
}
