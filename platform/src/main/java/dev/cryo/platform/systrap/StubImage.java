package dev.cryo.platform.systrap;

import dev.cryo.platform.host.StaticElf;

/**
 * The systrap stub's executable: a {@link StaticElf} around {@link StubCode} (assembled from
 * platform/src/main/asm/systrap-stub.S), loaded at {@link #BASE}.
 */
final class StubImage {
    static final long BASE = 0x7ff0_0000_0000L;
    static final long SIZE = 0x1000;
    /** The context region: one {@link Block} per stub thread. */
    static final long CTX = 0x7ff0_0010_0000L;
    static final int MAX_THREADS = 1024;

    private static String path;

    private StubImage() {}

    static byte[] bytes() {
        if (StubCode.SPIN != BASE + StaticElf.CODE_OFFSET) throw new IllegalStateException("stub code linked at the wrong address");
        return StaticElf.image(BASE, StubCode.CODE);
    }

    static synchronized String path() {
        if (path == null) path = StaticElf.sealedPath("cryo-systrap-stub", bytes());
        return path;
    }
}
