package dev.cryo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --user is read as docker reads it, from the root filesystem's own passwd and group files. */
class UserSpecTest {
    @TempDir
    Path root;

    @Test
    void namesNumbersAndGroups() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:100:App:/home/app:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nusers:x:100:\nstaff:x:50:app\n");
        String r = root.toString();
        assertEquals(new UserSpec(1000, 100, "/home/app"), UserSpec.parse("app", r));
        assertEquals(new UserSpec(1000, 100, "/home/app"), UserSpec.parse("1000", r), "a number passwd lists");
        assertEquals(new UserSpec(1000, 50, "/home/app"), UserSpec.parse("app:staff", r));
        assertEquals(new UserSpec(4242, 0, null), UserSpec.parse("4242", r), "a number passwd does not list: group 0");
        assertEquals(new UserSpec(4242, 7, null), UserSpec.parse("4242:7", r));
        assertTrue(assertThrows(CryoException.class, () -> UserSpec.parse("ghost", r)).getMessage().contains("no user 'ghost'"));
        assertTrue(assertThrows(CryoException.class, () -> UserSpec.parse("app:ghosts", r)).getMessage().contains("no group"));
        assertThrows(CryoException.class, () -> UserSpec.parse("app:", r));
        assertThrows(CryoException.class, () -> UserSpec.parse(":1", r));
        assertThrows(CryoException.class, () -> UserSpec.parse("99999999999", r));
    }

    /** A passwd that is a link (it could point anywhere on the host) is not read. */
    @Test
    void aLinkedPasswdIsNotRead() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/etc/passwd"));
        assertThrows(CryoException.class, () -> UserSpec.parse("root", root.toString()));
        assertEquals(new UserSpec(0, 0, null), UserSpec.parse("0", root.toString()));
    }
}
