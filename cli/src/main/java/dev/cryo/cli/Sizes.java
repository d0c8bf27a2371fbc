package dev.cryo.cli;

/** Byte counts as people read them: 1023 B, 1.0 KiB, 200.0 MiB (binary units, as docker's sizes). */
final class Sizes {
    private Sizes() {}

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
