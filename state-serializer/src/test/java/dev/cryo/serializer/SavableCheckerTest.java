package dev.cryo.serializer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SavableCheckerTest {
    @Savable
    static final class Good {
        long x;
        ArrayList<Part> parts;
        @Rebuilt("reopened")
        transient int fd;
    }

    @Savable
    static final class Part {
        int y;
    }

    @Savable
    static final class Bad {
        transient int lostOnRestore;
        Unmarked unmarked;
        Object anything;
    }

    static final class Unmarked {
        int z;
    }

    @Test
    void aCleanGraphPasses() {
        ClassRegistry r = ClassRegistry.withJdkTypes().register(100, Good.class).register(101, Part.class);
        assertEquals(List.of(), new SavableChecker(r, "dev.cryo.").check(Good.class));
    }

    @Test
    void reportsEachKindOfProblem() {
        ClassRegistry r = ClassRegistry.withJdkTypes().register(100, Bad.class);
        List<String> p = new SavableChecker(r, "dev.cryo.").check(Bad.class);
        assertTrue(p.stream().anyMatch(s -> s.contains("without @Rebuilt") && s.contains("lostOnRestore")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("not registered") && s.contains("Unmarked")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("not marked @Savable") && s.contains("Unmarked")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("type Object")), p.toString());
    }

    @Test
    void duplicateIdsAreRefused() {
        ClassRegistry r = ClassRegistry.withJdkTypes().register(100, Good.class);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> r.register(100, Part.class));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> r.register(102, Good.class));
    }

    @Savable
    static final class PartV2 {
        int y;
        long added;
    }

    @Test
    void theFingerprintFollowsTheSavedLayout() {
        String a = ClassRegistry.withJdkTypes().register(100, Good.class).register(101, Part.class).fingerprint();
        String same = ClassRegistry.withJdkTypes().register(100, Good.class).register(101, Part.class).fingerprint();
        String otherField = ClassRegistry.withJdkTypes().register(100, Good.class).register(101, PartV2.class).fingerprint();
        String otherId = ClassRegistry.withJdkTypes().register(100, Good.class).register(102, Part.class).fingerprint();
        org.junit.jupiter.api.Assertions.assertEquals(a, same);
        org.junit.jupiter.api.Assertions.assertNotEquals(a, otherField);
        org.junit.jupiter.api.Assertions.assertNotEquals(a, otherId);
    }
}
