package dev.cryo.compat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A readable account of where two outputs part: sizes, the first differing line with a few
 * lines of shared context before it, and the next lines of each side. Bytes that are not
 * printable ASCII are shown as {@code \xNN} so binary output stays legible.
 */
final class OutputDiff {
    private OutputDiff() {}

    private static final int CONTEXT = 3;
    private static final int AFTER = 4;
    private static final int MAX_LINE = 200;

    /** Null when {@code a} and {@code b} are equal, else the description of the first difference. */
    static String describe(String what, String nameA, byte[] a, String nameB, byte[] b) {
        int n = Math.min(a.length, b.length);
        int at = 0;
        while (at < n && a[at] == b[at]) at++;
        if (at == n && a.length == b.length) return null;

        List<String> la = lines(a);
        List<String> lb = lines(b);
        int line = 0;
        for (int i = 0; i < at; i++) if (a[i] == '\n') line++;

        StringBuilder sb = new StringBuilder();
        sb.append(what).append(" differs: ").append(nameA).append(' ').append(a.length).append(" bytes/")
                .append(la.size()).append(" lines, ").append(nameB).append(' ').append(b.length)
                .append(" bytes/").append(lb.size()).append(" lines; first difference at byte ").append(at)
                .append(", line ").append(line + 1).append('\n');
        int w = Math.max(nameA.length(), nameB.length());
        for (int i = Math.max(0, line - CONTEXT); i < line; i++) {
            sb.append(String.format("  %6d %" + w + "s | %s%n", i + 1, "", show(la.get(i))));
        }
        for (int i = line; i < line + AFTER; i++) {
            boolean any = false;
            if (i < la.size()) {
                sb.append(String.format("- %6d %" + w + "s | %s%n", i + 1, nameA, show(la.get(i))));
                any = true;
            }
            if (i < lb.size()) {
                sb.append(String.format("+ %6d %" + w + "s | %s%n", i + 1, nameB, show(lb.get(i))));
                any = true;
            }
            if (!any) break;
        }
        if (line >= la.size()) sb.append("  (").append(nameA).append(" output ends before line ").append(line + 1).append(")\n");
        if (line >= lb.size()) sb.append("  (").append(nameB).append(" output ends before line ").append(line + 1).append(")\n");
        return sb.toString();
    }

    /** The last few lines of {@code bytes}, for a failure message. */
    static String tail(String what, byte[] bytes) {
        List<String> l = lines(bytes);
        StringBuilder sb = new StringBuilder(what).append(" (last lines of ").append(l.size()).append("):\n");
        for (int i = Math.max(0, l.size() - 10); i < l.size(); i++) sb.append("  | ").append(show(l.get(i))).append('\n');
        return sb.toString();
    }

    static String indent(String s) {
        StringBuilder sb = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            if (!line.isEmpty()) sb.append("  | ").append(line).append('\n');
        }
        return sb.toString();
    }

    /** Lines without their '\n'; a last line without '\n' counts too. */
    static List<String> lines(byte[] b) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                out.add(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        if (start < b.length) out.add(new String(b, start, b.length - start, StandardCharsets.ISO_8859_1));
        return out;
    }

    private static String show(String latin1) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (sb.length() >= MAX_LINE) {
                sb.append("... (").append(latin1.length()).append(" bytes)");
                break;
            }
            if (c >= 0x20 && c < 0x7f) sb.append(c);
            else if (c == '\t') sb.append("\\t");
            else sb.append(String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
