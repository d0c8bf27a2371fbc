package dev.cryo.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The state directory (runc's {@code --root}): {@code /run/cryo} for root,
 * {@code $XDG_RUNTIME_DIR/cryo} otherwise. It holds one directory per sandbox,
 * {@code <root>/<id>/}, mode 0700 (so only its owner can reach the control socket), with
 * {@code state.json} ({@link SandboxState}), {@code log} (a detached sandbox's stdout and stderr)
 * and {@code control.sock} (served by the hosting JVM while it lives; see {@link ControlServer}).
 */
final class StateDir {
    static final String LOG = "log";
    static final String SOCKET = "control.sock";

    private final Path root;

    StateDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The state directory named by {@code --root}, or the default for this user. */
    static StateDir of(String rootOption) {
        if (rootOption != null) return new StateDir(Path.of(rootOption));
        return new StateDir(defaultRoot());
    }

    static Path defaultRoot() {
        if (uid() == 0) return Path.of("/run/cryo");
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "cryo");
        return Path.of(System.getProperty("java.io.tmpdir"), "cryo-" + uid());
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    Path root() {
        return root;
    }

    Path dir(String id) {
        return root.resolve(id);
    }

    static void checkId(String id) {
        if (!idChars(id) || id.equals(".") || id.equals("..") || id.length() > 64) {
            throw new CryoException("invalid sandbox id '" + id + "': use 1-64 of A-Z a-z 0-9 _ + . -");
        }
    }

    /**
     * runc's rule for container ids, {@code [\w+.-]+}, without a regex: java.util.regex is the
     * first user of lambdas in a client command, and setting those up cost ~10 ms of its start.
     */
    private static boolean idChars(String id) {
        if (id.isEmpty()) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '+' || c == '.' || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    /** A new id: 12 hex digits, as docker and runc show short ids. */
    static String newId() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Creates the sandbox's directory; refuses an id in use. */
    Path create(String id) throws IOException {
        checkId(id);
        Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path d = dir(id);
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new CryoException("sandbox already exists: " + id);
        }
        return d;
    }

    /** The state of sandbox {@code id}, corrected to stopped if its JVM died; a CryoException if there is none. */
    SandboxState find(String id) throws IOException {
        checkId(id);
        SandboxState s = Files.isDirectory(dir(id)) ? refresh(dir(id)) : null;
        if (s == null) throw new CryoException("no such sandbox: " + id);
        return s;
    }

    /**
     * Reads a sandbox's state; one that claims to be running while its hosting JVM is gone (killed,
     * or its pid reused) is stopped, with an unknown exit status, and its file is corrected.
     * Null if the directory has no state yet.
     */
    SandboxState refresh(Path dir) throws IOException {
        SandboxState s = SandboxState.read(dir);
        if (s == null || !s.status().live() || s.host().alive()) return s;
        // The JVM may have written its last state between our read and the liveness check.
        SandboxState again = SandboxState.read(dir);
        if (again != null && !again.status().live()) return again;
        SandboxState dead = s.stopped(null, "its cryo process (pid " + s.host().pid() + ") died");
        dead.write(dir);
        Files.deleteIfExists(dir.resolve(SOCKET));
        return dead;
    }

    /** Every sandbox with a state file, oldest first. */
    List<SandboxState> list() throws IOException {
        List<SandboxState> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : ds) {
                SandboxState s;
                try {
                    s = refresh(d);
                } catch (IOException e) {
                    continue; // removed while we looked, or not ours
                }
                if (s != null) out.add(s);
            }
        }
        out.sort(Comparator.comparing(SandboxState::created).thenComparing(SandboxState::id));
        return out;
    }

    /** Removes a sandbox's directory and everything in it. */
    void remove(String id) throws IOException {
        Path d = dir(id);
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }
}
