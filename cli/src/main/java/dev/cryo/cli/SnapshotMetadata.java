package dev.cryo.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the process and open-file lists a checkpoint writes into a snapshot's metadata (see StoreSnapshots). */
final class SnapshotMetadata {
    private SnapshotMetadata() {}

    static List<Object> processes(Map<String, String> meta) {
        List<Object> out = new ArrayList<>();
        for (String[] f : lines(meta.get("cryo.processes"), 3)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", Long.parseLong(f[0]));
            m.put("command", f[1]);
            m.put("executable", f[2]);
            out.add(m);
        }
        return out;
    }

    static List<Object> files(Map<String, String> meta) {
        List<Object> out = new ArrayList<>();
        for (String[] f : lines(meta.get("cryo.files"), 3)) {
            if (!f[1].matches("\\d{1,9}")) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", Long.parseLong(f[0]));
            m.put("fd", Long.parseLong(f[1]));
            m.put("path", f[2]);
            out.add(m);
        }
        return out;
    }

    /** The well-formed lines of {@code text} (a snapshot may come from anywhere: others are skipped). */
    private static List<String[]> lines(String text, int fields) {
        List<String[]> out = new ArrayList<>();
        if (text == null) return out;
        for (String line : text.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == fields && f[0].matches("\\d{1,9}")) out.add(f);
        }
        return out;
    }
}
