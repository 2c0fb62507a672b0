package io.sparkdigits.data;

import java.io.Serializable;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Parses and validates one CSV line of digit data straight from its UTF-8 bytes: the values and,
 * in one column of its own (the first unless asked otherwise), an optional label. Spark's CSV source turns every field into a String before converting it,
 * which for 785 numeric columns made loading ten times slower than this; digit data needs no
 * quoting rules, so a strict numeric parser does the job. Integers, the common case, are read
 * digit by digit; anything else goes through {@link Float#parseFloat}.
 *
 * <p>A problem is returned in words (1-based column numbers), never thrown, so the caller decides
 * whether to fail or skip. One instance per thread: it keeps the last label.
 */
public final class LineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest pixel value accepted: MNIST-style data is 8-bit. */
    public static final float MAX_PIXEL = 255f;
    /** The smallest side of a square row taken for a picture: 16 x 16 = 256 values. */
    private static final int MIN_PICTURE_SIDE = 16;

    /** The label's 0-based column, or -1 for unlabeled rows. */
    private final int labelAt;
    private final int values;
    private final int classes;
    private final boolean pixels;
    private int label = -1;

    /** Rows with the label first, or without a label. */
    public LineParser(boolean labeled, int values, int classes) {
        this(labeled ? 0 : -1, values, classes);
    }

    /**
     * @param labelAt the label's 0-based column ({@code 0 .. values}), or -1 for unlabeled rows
     * @param classes labels must be in {@code 0 .. classes - 1}; {@link Labels#FROM_DATA} takes
     *                any of {@link Labels#MAX_CLASSES} classes
     */
    public LineParser(int labelAt, int values, int classes) {
        if (labelAt > values) {
            throw new IllegalArgumentException("label column " + labelAt + " of a row of " + (values + 1));
        }
        this.labelAt = labelAt;
        this.values = values;
        this.classes = classes;
        this.pixels = holdsPixels(values);
    }

    /**
     * Whether rows of {@code width} values are pictures, whose values are pixels 0..255: square
     * images of 16 x 16 or more (MNIST's 784 = 28 x 28), as the trainer takes them. Other rows are
     * tables, whose values may be any finite number (the trainer standardises each feature).
     */
    public static boolean holdsPixels(int width) {
        int side = (int) Math.round(Math.sqrt(width));
        return side >= MIN_PICTURE_SIDE && side * side == width;
    }

    public int values() {
        return values;
    }

    public boolean labeled() {
        return labelAt >= 0;
    }

    /** The label of the last line parsed without problem, or -1 for unlabeled data. */
    public int label() {
        return label;
    }

    /** Fills {@code out[0 .. values)}; returns null if the line is good, else what is wrong. */
    public String parse(UTF8String line, float[] out) {
        // Text rows live in on-heap byte arrays: read them in place rather than byte by byte through Unsafe.
        if (line.getBaseObject() instanceof byte[] bytes) {
            int from = (int) (line.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET);
            return parse(bytes, from, from + line.numBytes(), out);
        }
        return parse(line.getBytes(), 0, line.numBytes(), out);
    }

    /** Parses {@code b[from .. to)}. */
    public String parse(byte[] b, int from, int to, float[] out) {
        int fields = labelAt >= 0 ? values + 1 : values;
        int at = from;
        for (int f = 0; f < fields; f++) {
            if (at > to) {
                return "expected " + fields + " fields but found " + f;
            }
            // Fastest path: a "0," value, four fields in five of an image.
            if (f != labelAt && at + 1 < to && b[at] == '0' && b[at + 1] == ',') {
                out[slot(f)] = 0f;
                at += 2;
                continue;
            }
            // Fast path: plain digits up to the comma, which is nearly every MNIST field.
            int i = at;
            int v = 0;
            while (i < to && i - at < 9) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                v = v * 10 + d;
                i++;
            }
            boolean plain = i > at && (i == to || b[i] == ',');
            int end = plain ? i : commaOrEnd(b, i, to);
            String problem;
            if (f == labelAt) {
                problem = plain ? checkLabel(v) : readLabel(b, at, end);
            } else {
                problem = plain ? store(v, f, out) : readValue(b, at, end, f, out);
            }
            if (problem != null) {
                return problem;
            }
            at = end + 1;
        }
        if (at <= to) {
            return "expected " + fields + " fields but found " + (fields + countFields(b, at - 1, to));
        }
        return null;
    }

    /** Where field {@code f} (not the label) goes among the values. */
    private int slot(int f) {
        return labelAt >= 0 && f > labelAt ? f - 1 : f;
    }

    private static int commaOrEnd(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] != ',') {
            i++;
        }
        return i;
    }

    private String checkLabel(double v) {
        String problem = Labels.problem(v, classes);
        if (problem != null) {
            return "column " + (labelAt + 1) + ": label " + problem;
        }
        label = (int) v;
        return null;
    }

    private String readLabel(byte[] b, int from, int to) {
        String text = text(b, from, to);
        if (text.isEmpty()) {
            return "column " + (labelAt + 1) + ": the label is missing";
        }
        // 3.0 and 3e0 are class 3, as a DataFrame's double label column holds it; "3f", hex and
        // NUL-padded text, which Double.parseDouble would also take, are not numbers.
        if (!decimal(text)) {
            return "column " + (labelAt + 1) + ": label '" + shown(text) + "' is not an integer";
        }
        return checkLabel(Double.parseDouble(text));
    }

    private String store(float v, int field, float[] out) {
        if (!Float.isFinite(v)) {
            return "column " + (field + 1) + ": " + (pixels ? "pixel " : "") + "value " + v + " is not finite";
        }
        if (pixels && !(v >= 0f && v <= MAX_PIXEL)) {
            return "column " + (field + 1) + ": pixel value " + v + " is " + (v < 0 ? "negative" : "above 255");
        }
        out[slot(field)] = v;
        return null;
    }

    private String readValue(byte[] b, int from, int to, int field, float[] out) {
        String text = text(b, from, to);
        if (text.isEmpty()) {
            return "column " + (field + 1) + ": the value is missing";
        }
        // Float.parseFloat alone would also take "1f", "0x1p3" and NUL-padded text as numbers.
        if (!decimal(text) && !text.matches("[+-]?(NaN|Infinity)")) {
            return "column " + (field + 1) + ": value '" + shown(text) + "' is not a number";
        }
        return store(Float.parseFloat(text), field, out);
    }

    /** Whether {@code s} is a decimal number: sign, digits, fraction, exponent, as in {@code -1.5e2}. */
    static boolean decimal(String s) {
        int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        int digits = 0;
        boolean point = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            i += i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-') ? 1 : 0;
            int exponent = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == exponent) {
                return false;
            }
        }
        return i == s.length();
    }

    /** A field as a message shows it: a huge one is cut short, so the error stays one readable line. */
    private static String shown(String text) {
        String cut = text.length() <= 40 ? text : text.substring(0, 40);
        StringBuilder sb = new StringBuilder();
        for (char c : cut.toCharArray()) {
            // NUL and other control bytes would be invisible, or break the line, in a terminal.
            sb.append(c < 0x20 || c == 0x7f ? String.format(java.util.Locale.ROOT, "\\x%02x", (int) c) : String.valueOf(c));
        }
        return text.length() <= 40 ? sb.toString() : sb + "... (" + text.length() + " characters)";
    }

    /**
     * The field's text without surrounding spaces, tabs and carriage returns and one pair of
     * quotes; bytes as Latin-1, enough for numbers. NUL and other control bytes stay, to be refused.
     */
    private static String text(byte[] b, int from, int to) {
        String s = strip(new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? strip(s.substring(1, s.length() - 1)) : s;
    }

    private static String strip(String s) {
        int a = 0;
        int z = s.length();
        while (a < z && blank(s.charAt(a))) {
            a++;
        }
        while (z > a && blank(s.charAt(z - 1))) {
            z--;
        }
        return s.substring(a, z);
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    private static int countFields(byte[] b, int commaAt, int to) {
        int count = 0;
        for (int i = commaAt; i < to; i++) {
            if (b[i] == ',') {
                count++;
            }
        }
        return count;
    }
}
