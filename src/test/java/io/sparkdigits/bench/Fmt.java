package io.sparkdigits.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/** How the table writes numbers: one place, so every section reads alike. */
final class Fmt {
    private Fmt() {
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
    }

    /** Seconds, or "not reached" for an accuracy a run never got to. */
    static String seconds(OptionalDouble s) {
        return s.isPresent() ? seconds(s.getAsDouble()) : "not reached";
    }

    static String ms(double ms) {
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    static String times(double ratio) {
        return String.format(Locale.ROOT, ratio < 10 ? "%.2fx" : "%.1fx", ratio);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    static String bytes(long b) {
        return String.format(Locale.ROOT, "%,d B", b);
    }

    static String megabytes(long b) {
        return b < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MB", b / 1e6);
    }

    static String gigabytes(long b) {
        return String.format(Locale.ROOT, "%,.2f GB", b / 1e9);
    }

    static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
