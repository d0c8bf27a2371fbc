package dev.cryo.cli;

import dev.cryo.platform.Platform;
import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.platform.systrap.SystrapPlatform;

/**
 * The platform a sandbox runs on, as runsc's {@code --platform}: {@code CRYO_PLATFORM=systrap}
 * (seccomp traps handed to the Sentry through shared memory, see dev.cryo.platform.systrap),
 * {@code ptrace}, or unset: systrap where the host has what it needs, else ptrace. A detached
 * sandbox's host inherits the variable, and a restore may use the other platform than the
 * checkpoint did (the saved state holds registers and FP state, not the platform).
 */
final class Platforms {
    static final String ENV = "CRYO_PLATFORM";

    private Platforms() {}

    /** The name of the platform {@link #create} makes. */
    static String name() {
        String name = System.getenv(ENV);
        if (name == null || name.isEmpty()) return SystrapPlatform.available() ? "systrap" : "ptrace";
        return name;
    }

    static Platform create() {
        String name = name();
        if (name.equals("ptrace")) return PtracePlatform.create();
        if (name.equals("systrap")) return SystrapPlatform.create();
        throw new CryoException(ENV + "=" + name + ": no such platform (ptrace, systrap)", 125);
    }
}
