package io.sparkdigits.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * Which column of a CSV row holds the label, as the user asked: {@code first} (the default),
 * {@code last}, a 1-based column number, or a name from the header line. UCI's tables and many
 * exports put the class last, and a file without a header cannot say where it is.
 *
 * @param choice what was asked ({@code first} for the default)
 * @param given  whether the user chose it: then a header naming another column like a label is not
 *               questioned (see {@link CsvLayout})
 */
public record LabelColumn(String choice, boolean given) implements Serializable {
    /** The first column, unless a header names another one as the label. */
    public static final LabelColumn DEFAULT = new LabelColumn("first", false);

    /** The column {@code choice} names, as the user asked; blank is refused by the caller's option parsing. */
    public static LabelColumn of(String choice) {
        return new LabelColumn(choice.trim(), true);
    }

    /**
     * Column {@code column} (1-based), where a model's training labels were, taken when the user
     * did not say: a header that names another column like a label is still refused.
     */
    public static LabelColumn likeTraining(int column) {
        return new LabelColumn(Integer.toString(column), false);
    }

    /** The column by position alone (first, last or a number), or -1 if it is a name, to find in a header. */
    int byPosition(int columns) {
        String c = choice.toLowerCase(Locale.ROOT);
        if (c.equals("first")) {
            return 0;
        }
        if (c.equals("last")) {
            return columns - 1;
        }
        return c.matches("[0-9]{1,9}") ? Integer.parseInt(c) - 1 : -1;
    }

    /**
     * The 0-based columns {@code header} gives this name: those that match it exactly, or, if none
     * does, those that match it without case. One is the label; more are ambiguous, and the caller
     * refuses them rather than take the first.
     */
    java.util.List<Integer> find(String[] header) {
        java.util.List<Integer> exact = new java.util.ArrayList<>();
        java.util.List<Integer> loose = new java.util.ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            String name = CsvLayout.unquote(header[i].trim());
            if (name.equals(choice)) {
                exact.add(i);
            } else if (name.equalsIgnoreCase(choice)) {
                loose.add(i);
            }
        }
        return exact.isEmpty() ? loose : exact;
    }

    @Override
    public String toString() {
        return choice;
    }
}
