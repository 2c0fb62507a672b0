package io.sparkdigits.data;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Validates one row of a {@link CsvFrames} frame and says, in words, what is wrong with it: the
 * wrong number of fields, a value that is not a number, a label outside 0..9, a pixel that is
 * negative, not finite or above 255. Positions are reported as 1-based CSV columns.
 */
public final class RowCheck implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest pixel value accepted: MNIST-style data is 8-bit. */
    public static final float MAX_PIXEL = 255f;

    private final boolean labeled;
    private final int values;
    private final int classes;

    public RowCheck(boolean labeled, int values, int classes) {
        this.labeled = labeled;
        this.values = values;
        this.classes = classes;
    }

    public int values() {
        return values;
    }

    /** Index of the first value column in the frame. */
    public int firstValue() {
        return labeled ? 1 : 0;
    }

    /** Index of the label column, or -1 for unlabeled input. */
    public int labeledIndex() {
        return labeled ? 0 : -1;
    }

    public int corruptIndex() {
        return firstValue() + values;
    }

    public int fileIndex() {
        return corruptIndex() + 1;
    }

    public int blockIndex() {
        return corruptIndex() + 2;
    }

    /** Null if the row is good, otherwise what is wrong with it. */
    public String problem(InternalRow row) {
        if (!row.isNullAt(corruptIndex())) {
            return describeMalformed(row.getUTF8String(corruptIndex()).toString());
        }
        if (labeled) {
            if (row.isNullAt(0)) {
                return "column 1: the label is missing";
            }
            int label = row.getInt(0);
            if (label < 0 || label >= classes) {
                return "column 1: label " + label + " is outside 0.." + (classes - 1);
            }
        }
        int first = firstValue();
        for (int i = 0; i < values; i++) {
            if (row.isNullAt(first + i)) {
                return "column " + (first + i + 1) + ": the value is missing";
            }
            float v = row.getFloat(first + i);
            if (!(v >= 0f && v <= MAX_PIXEL)) {
                return "column " + (first + i + 1) + ": pixel value " + v + " is "
                        + (Float.isNaN(v) || Float.isInfinite(v) ? "not finite" : v < 0 ? "negative" : "above 255");
            }
        }
        return null;
    }

    /** Re-reads a row Spark could not parse to say which field is at fault. */
    String describeMalformed(String raw) {
        String[] fields = raw.split(",", -1);
        int expected = values + (labeled ? 1 : 0);
        if (fields.length != expected) {
            return "expected " + expected + " fields but found " + fields.length;
        }
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i].trim();
            boolean isLabel = labeled && i == 0;
            try {
                if (isLabel) {
                    Integer.parseInt(f);
                } else {
                    Float.parseFloat(f);
                }
            } catch (NumberFormatException e) {
                String what = isLabel ? "label '" + f + "' is not an integer" : "value '" + f + "' is not a number";
                return "column " + (i + 1) + ": " + what;
            }
        }
        return "malformed row: " + (raw.length() > 80 ? raw.substring(0, 80) + "..." : raw);
    }
}
