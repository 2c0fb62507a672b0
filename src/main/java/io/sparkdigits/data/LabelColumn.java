package io.sparkdigits.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * Which column of a CSV row holds the label, as the user asked: {@code first} (the default),
 * {@code last}, a 1-based column number, or a name from the header line. UCI's tables and many
 * exports put the class last, and a file without a header cannot say where it is.
 *
 * @param choice what was asked, or null for the default (the first column)
 */
public record LabelColumn(String choice) implements Serializable {
    /** The first column, unless a header names a later one as the label (see {@link CsvLayout}). */
    public static final LabelColumn DEFAULT = new LabelColumn(null);

    /** The column {@code choice} names; blank is refused by the caller's option parsing. */
    public static LabelColumn of(String choice) {
        return new LabelColumn(choice.trim());
    }

    /** Whether the user chose the column: then a header naming another one like a label is not questioned. */
    public boolean given() {
        return choice != null;
    }

    /** The column by position alone (first, last or a number), or -1 if it is a name, to find in a header. */
    int byPosition(int columns) {
        String c = choice == null ? "first" : choice.toLowerCase(Locale.ROOT);
        if (c.equals("first")) {
            return 0;
        }
        if (c.equals("last")) {
            return columns - 1;
        }
        return c.matches("[0-9]{1,9}") ? Integer.parseInt(c) - 1 : -1;
    }

    /**
     * The 0-based column {@code header} gives this name, or -1: an exact match, or else the only
     * column whose name matches without case.
     */
    int find(String[] header) {
        int loose = -1;
        int looseCount = 0;
        for (int i = 0; i < header.length; i++) {
            String name = CsvLayout.unquote(header[i].trim());
            if (name.equals(choice)) {
                return i;
            }
            if (name.equalsIgnoreCase(choice)) {
                loose = i;
                looseCount++;
            }
        }
        return looseCount == 1 ? loose : -1;
    }

    @Override
    public String toString() {
        return choice == null ? "first" : choice;
    }
}
