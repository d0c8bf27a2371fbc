package dev.cryo.store;

import java.security.SecureRandom;

/** Snapshot ids: 96 random bits as 24 hex digits; random, so ids never collide across hosts. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    static String fresh() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return Hashes.hex(b);
    }
}
