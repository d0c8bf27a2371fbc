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
}
