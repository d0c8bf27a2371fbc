package dev.cryo.sentry.kernel;

import dev.cryo.serializer.Savable;

/**
 * A task's identity inside the sandbox (Linux's struct cred). The sandbox's ids are its own:
 * uid 0 here is root of the sandbox, not of the host.
 */
@Savable
public final class Credentials {
    public int ruid, euid, suid, fsuid;
    public int rgid, egid, sgid, fsgid;
    public int[] groups = new int[0];

    /** Root of the sandbox, as docker and runsc start a container's first process. */
    public static Credentials root() {
        return new Credentials();
    }

    /** A user's: every uid {@code uid}, every gid {@code gid}, no supplementary groups. */
    public static Credentials of(int uid, int gid) {
        Credentials c = new Credentials();
        c.ruid = c.euid = c.suid = c.fsuid = uid;
        c.rgid = c.egid = c.sgid = c.fsgid = gid;
        return c;
    }

    /** A copy for a child process: credentials are per task and copied at fork (copy_creds). */
    public Credentials copy() {
        Credentials c = new Credentials();
        c.ruid = ruid;
        c.euid = euid;
        c.suid = suid;
        c.fsuid = fsuid;
        c.rgid = rgid;
        c.egid = egid;
        c.sgid = sgid;
        c.fsgid = fsgid;
        c.groups = groups.clone();
        return c;
    }
}
