package dev.cryo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --user USER[:GROUP]}, as docker run reads it: a name or a number for each, names looked
 * up in the root filesystem's /etc/passwd and /etc/group (never the host's, unless it is the
 * root filesystem). A user given by number that passwd does not list gets group 0; one it lists
 * gets its primary group and its home directory for HOME.
 *
 * @param uid the user id
 * @param gid the group id
 * @param home the user's home directory from passwd, or null
 */
record UserSpec(int uid, int gid, String home) {
    static final UserSpec ROOT = new UserSpec(0, 0, null);

    static UserSpec parse(String spec, String rootfs) {
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? null : spec.substring(colon + 1);
        if (user.isEmpty() || (group != null && group.isEmpty())) throw new CryoException("--user wants USER[:GROUP], got '" + spec + "'");
        Path root = Path.of(rootfs);
        String[] entry = find(root, "etc/passwd", user, 2);
        int uid;
        if (entry != null) {
            uid = id(entry[2], spec);
        } else if (numeric(user)) {
            uid = id(user, spec);
        } else {
            throw new CryoException("--user: no user '" + user + "' in " + root.resolve("etc/passwd"));
        }
        int gid = entry != null && entry.length > 3 ? id(entry[3], spec) : 0;
        if (group != null) {
            String[] g = find(root, "etc/group", group, 2);
            if (g != null) {
                gid = id(g[2], spec);
            } else if (numeric(group)) {
                gid = id(group, spec);
            } else {
                throw new CryoException("--user: no group '" + group + "' in " + root.resolve("etc/group"));
            }
        }
        String home = entry != null && entry.length > 5 && !entry[5].isEmpty() ? entry[5] : null;
        return new UserSpec(uid, gid, home);
    }

    private static boolean numeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static int id(String s, String spec) {
        try {
            long v = Long.parseLong(s);
            if (v < 0 || v > 0xfffffffeL) throw new NumberFormatException();
            return (int) v;
        } catch (NumberFormatException e) {
            throw new CryoException("--user: bad id '" + s + "' in '" + spec + "'");
        }
    }

    /**
     * The colon-separated line whose first field, or whose field {@code idField} when
     * {@code key} is a number, is {@code key}; null if none. Only a regular file inside the root
     * filesystem is read: a symbolic link there could point anywhere on the host.
     */
    private static String[] find(Path root, String file, String key, int idField) {
        Path p = root.resolve(file);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return null;
        List<String> lines;
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(root.toRealPath())) return null;
            lines = Files.readAllLines(real, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length <= idField) continue;
            if (f[0].equals(key) || (numeric(key) && f[idField].equals(key))) return f;
        }
        return null;
    }
}
