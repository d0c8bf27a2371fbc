package dev.cryo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code <root>/<id>/state.json} says about one sandbox (immutable; a change is a new
 * record written over the old file). Only the JVM hosting the sandbox writes it while that JVM
 * lives; afterwards any {@code cryo} command may correct it to stopped.
 *
 * @param id the sandbox's name
 * @param host the JVM hosting the sandbox (pid and start time)
 * @param status where it is in its life
 * @param created when it was started, RFC 3339
 * @param command the program and its arguments (for a restored sandbox, what it was restored from)
 * @param exitStatus the shell-style exit status once stopped, or null (still running, or unknown
 *     because the hosting JVM died)
 * @param error why it failed to start, or null
 * @param image where a checkpoint that stopped it wrote the image, or null
 */
record SandboxState(String id, HostProcess host, Status status, String created, List<String> command,
        Integer exitStatus, String error, String image) {

    static final String FILE = "state.json";

    /** A sandbox's life, as runc names it. */
    enum Status {
        RUNNING, PAUSED, STOPPED, CHECKPOINTED;

        /** Whether a JVM still hosts the sandbox. */
        boolean live() {
            return this == RUNNING || this == PAUSED;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status parse(String s) {
            for (Status st : values()) {
                if (st.toString().equals(s)) return st;
            }
            throw new IllegalArgumentException("unknown status '" + s + "'");
        }
    }

    SandboxState {
        command = List.copyOf(command);
    }

    /** The current time as the {@code created} field shows it. */
    static String now() {
        return OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    SandboxState withStatus(Status s) {
        return new SandboxState(id, host, s, created, command, exitStatus, error, image);
    }

    SandboxState stopped(Integer exit, String why) {
        return new SandboxState(id, host, Status.STOPPED, created, command, exit, why, image);
    }

    SandboxState checkpointed(String imageDir) {
        return new SandboxState(id, host, Status.CHECKPOINTED, created, command, null, null, imageDir);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("pid", host.pid());
        m.put("pidStartTime", host.startTime());
        m.put("status", status.toString());
        m.put("created", created);
        m.put("command", command);
        if (exitStatus != null) m.put("exitStatus", exitStatus);
        if (error != null) m.put("error", error);
        if (image != null) m.put("image", image);
        return m;
    }

    static SandboxState fromJson(Object json) {
        if (!(json instanceof Map<?, ?> m)) throw new IllegalArgumentException("not a JSON object");
        List<String> command = new ArrayList<>();
        if (m.get("command") instanceof List<?> l) {
            for (Object o : l) command.add(String.valueOf(o));
        }
        Long exit = optLong(m, "exitStatus");
        return new SandboxState(str(m, "id"), new HostProcess(num(m, "pid"), num(m, "pidStartTime")),
                Status.parse(str(m, "status")), str(m, "created"), command,
                exit == null ? null : exit.intValue(), optStr(m, "error"), optStr(m, "image"));
    }

    /** Reads the state file in {@code dir}; null if there is none (a sandbox still starting). */
    static SandboxState read(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return fromJson(Json.read(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(FILE) + ": " + e.getMessage());
        }
    }

    /** Writes the state file into {@code dir} atomically: a reader sees the old file or the new one, whole. */
    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp" + ProcessHandle.current().pid());
        Files.writeString(tmp, Json.write(toJson()) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String str(Map<?, ?> m, String k) {
        if (!(m.get(k) instanceof String s)) throw new IllegalArgumentException("missing \"" + k + "\"");
        return s;
    }

    private static String optStr(Map<?, ?> m, String k) {
        return m.get(k) instanceof String s ? s : null;
    }

    private static long num(Map<?, ?> m, String k) {
        Long v = optLong(m, k);
        if (v == null) throw new IllegalArgumentException("missing \"" + k + "\"");
        return v;
    }

    private static Long optLong(Map<?, ?> m, String k) {
        return m.get(k) instanceof Long v ? v : null;
    }
}
