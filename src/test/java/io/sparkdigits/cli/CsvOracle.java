package io.sparkdigits.cli;

import io.sparkdigits.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's rules for labeled CSV, written out plainly to give each fuzzed file its expected
 * verdict: lines end in LF, CRLF or CR (as Hadoop's line reader splits them); a UTF-8 byte-order
 * mark at the start of a file is ignored; lines of only spaces and tabs are skipped; the first
 * line is a header when at least half of its fields are not numbers; a field may be wrapped in
 * spaces, tabs and one pair of double quotes; a label is a decimal number whose value is an
 * integer 0..9 ({@code 3.0} and {@code 3e0} are class 3, {@code -0} is 0); a value is a decimal
 * number (sign, fraction, exponent) finite as a float, and in rows of pictures (square, 16 x 16
 * or more) a pixel from 0 to 255, {@code -0} counting as 0; anything else (NaN, Infinity, NUL or
 * other control bytes, hex, Java's {@code 1f}) is a bad row.
 */
final class CsvOracle {
    private CsvOracle() {
    }

    /** What a case may end in: accepted, refused naming these fragments, or either. */
    record Verdict(boolean mayAccept, boolean mayRefuse, List<String> fragments) {
        static Verdict accept() {
            return new Verdict(true, false, List.of());
        }

        static Verdict refuse(String... fragments) {
            return new Verdict(false, true, List.of(fragments));
        }

        static Verdict either(String... fragmentsIfRefused) {
            return new Verdict(true, true, List.of(fragmentsIfRefused));
        }

        /** What is wrong with run {@code r}, or null; {@code written}: whether its output exists. */
        String problemWith(Cli.Result r, boolean written) {
            if (r.code() == 0) {
                return !mayAccept ? "accepted, but should have been refused"
                        : !written ? "exit 0 but no output" : oneLine(r, null);
            }
            if (!mayRefuse) {
                return "refused, but the input is good";
            }
            String p = oneLine(r, fragments);
            return p != null ? p : written ? "refused, yet an output was written" : null;
        }

        /** Null if {@code r} shows no stack trace and, when it failed, is exit 2 with one short line naming {@code fragments}. */
        static String oneLine(Cli.Result r, List<String> fragments) {
            if (r.err().contains("\tat ") || r.out().contains("\tat ")) {
                return "stack trace";
            }
            if (r.code() == 0) {
                return null;
            }
            List<String> lines = r.err().lines().toList();
            if (r.code() != 2 || lines.size() != 1) {
                return "expected exit 2 and one line on stderr";
            }
            if (lines.get(0).length() > 400) {
                return "the message is " + lines.get(0).length() + " characters long";
            }
            for (String f : fragments == null ? List.<String>of() : fragments) {
                if (!lines.get(0).contains(f)) {
                    return "the message does not say '" + f + "'";
                }
            }
            return null;
        }
    }

    /** The verdict for a file named {@code name} holding {@code content}, read by a model of {@code width} values. */
    static Verdict verdict(byte[] content, String name, int width) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        if (text.startsWith("\u00ef\u00bb\u00bf")) {
            text = text.substring(3);
        }
        List<String> lines = lines(text);
        int first = 0;
        while (first < lines.size() && blank(lines.get(first))) {
            first++;
        }
        if (first == lines.size()) {
            return Verdict.refuse(name);
        }
        String[] head = lines.get(first).split(",", -1);
        if (head.length != width + 1) {
            return Verdict.refuse(name);
        }
        boolean header = looksLikeHeader(head);
        int rows = 0;
        for (int i = header ? first + 1 : first; i < lines.size(); i++) {
            if (blank(lines.get(i))) {
                continue;
            }
            if (!goodRow(lines.get(i), width)) {
                return Verdict.refuse(name + ": line " + (i + 1) + ":");
            }
            rows++;
        }
        return rows == 0 ? Verdict.refuse(name) : Verdict.accept();
    }

    /** The number of fields of a file's first non-blank line, or -1 if it has none (or is gzipped). */
    static int firstLineFields(java.nio.file.Path file) {
        try {
            if (java.nio.file.Files.isDirectory(file.getParent()) && file.toString().endsWith(".csv")
                    && java.nio.file.Files.isRegularFile(file)) {
                for (String l : lines(new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.ISO_8859_1))) {
                    if (!blank(l)) {
                        return l.split(",", -1).length;
                    }
                }
            }
            return -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Splits at LF, CRLF and lone CR. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    static boolean blank(String line) {
        return line.chars().allMatch(c -> c == ' ' || c == '\t');
    }

    static boolean goodRow(String line, int width) {
        String[] f = line.split(",", -1);
        if (f.length != width + 1) {
            return false;
        }
        if (!goodLabel(field(f[0]))) {
            return false;
        }
        for (int i = 1; i < f.length; i++) {
            if (!goodValue(field(f[i]), pictures(width))) {
                return false;
            }
        }
        return true;
    }

    /** The field without surrounding spaces and tabs and one pair of quotes. */
    static String field(String s) {
        String t = strip(s);
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? strip(t.substring(1, t.length() - 1)) : t;
    }

    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    static boolean goodLabel(String s) {
        if (!s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            return false;
        }
        double v = Double.parseDouble(s);
        return v == Math.rint(v) && v >= 0 && v <= 9;
    }

    /** Rows of pictures: a square of 16 x 16 values or more. */
    static boolean pictures(int width) {
        for (int side = 16; side * side <= width; side++) {
            if (side * side == width) {
                return true;
            }
        }
        return false;
    }

    static boolean goodValue(String s, boolean pixel) {
        if (!s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            return false;
        }
        float v = Float.parseFloat(s);
        return pixel ? v >= 0f && v <= 255f : Float.isFinite(v);
    }

    /** As the loader decides: at least half of the first line's fields are not numbers. */
    static boolean looksLikeHeader(String[] fields) {
        int names = 0;
        for (String f : fields) {
            String t = f.trim();
            t = t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1).trim() : t;
            try {
                Double.parseDouble(t);
            } catch (NumberFormatException e) {
                names++;
            }
        }
        return 2 * names >= fields.length;
    }
}
