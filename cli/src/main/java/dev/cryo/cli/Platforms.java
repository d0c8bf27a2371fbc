package dev.cryo.cli;

import dev.cryo.platform.Platform;
import dev.cryo.platform.ptrace.PtracePlatform;
import dev.cryo.platform.systrap.SystrapPlatform;

/**
 * The platform a sandbox runs on: {@code CRYO_PLATFORM=ptrace} (the default) or {@code systrap}
 * (experimental: seccomp traps handed over through shared memory, see
 * dev.cryo.platform.systrap). A detached sandbox's host inherits the variable.
 */
final class Platforms {
    static final String ENV = "CRYO_PLATFORM";

    private Platforms() {}

    static Platform create() {
        String name = System.getenv(ENV);
        if (name == null || name.isEmpty() || name.equals("ptrace")) return PtracePlatform.create();
        if (name.equals("systrap")) return SystrapPlatform.create();
        throw new CryoException(ENV + "=" + name + ": no such platform (ptrace, systrap)", 125);
    }
}
