package io.sparkdigits.data;

/**
 * What a label may be, in one place for every source of rows (CSV lines, DataFrame columns, and
 * any later format): an integer class in {@code 0 .. classes - 1}, written as an integer or as a
 * number with an integral value ({@code 3}, {@code 3.0} and {@code 3e0} are class 3; {@code 3.5}
 * is no class). The number of classes K is given ({@code --classes}, {@code numClasses}, the
 * model's outputs) or, when unknown while loading, bounded by {@link #MAX_CLASSES} and then taken
 * as the largest label + 1. Problems are returned in words, never thrown, so that the caller can
 * name the file and row, or the column, and decide to fail or skip.
 */
public final class Labels {
    /** The fewest classes a classifier has. */
    public static final int MIN_CLASSES = 2;
    /**
     * The most classes taken: a K x K confusion matrix is counted per partition and the output
     * layer's weights grow with K; labels are stored as shorts.
     */
    public static final int MAX_CLASSES = 1000;
    /** The number of classes when it is to be found from the data (largest label + 1). */
    public static final int FROM_DATA = 0;

    private Labels() {
    }

    /** The labels a load accepts: {@code 0 .. classes - 1}, or up to {@link #MAX_CLASSES} when {@code classes} is {@link #FROM_DATA}. */
    public static int bound(int classes) {
        return classes == FROM_DATA ? MAX_CLASSES : classes;
    }

    /**
     * Null if {@code v} is a class of {@code bound(classes)} classes, else what is wrong with it,
     * starting with the value: {@code "3.5 is not an integer"}, {@code "12 is outside 0..9"}.
     */
    public static String problem(double v, int classes) {
        int k = bound(classes);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return text(v) + " is not a number";
        }
        if (v != Math.rint(v)) {
            return text(v) + " is not an integer";
        }
        if (v < 0 || v >= k) {
            return text(v) + " is outside 0.." + (k - 1)
                    + (classes == FROM_DATA ? " (at most " + MAX_CLASSES + " classes)" : "");
        }
        return null;
    }

    /** {@code 12}, not {@code 12.0}, for an integral value; the value as Java prints it otherwise. */
    static String text(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * The number of classes of a training set: {@code given} if it is not {@link #FROM_DATA}, else
     * its largest label + 1, which must make at least {@link #MIN_CLASSES}.
     *
     * @param where the data, for the message
     */
    public static int classes(int given, int maxLabel, String where) {
        if (given != FROM_DATA) {
            return given;
        }
        if (maxLabel + 1 < MIN_CLASSES) {
            throw new BadInputException(where + ": every label is " + Math.max(0, maxLabel)
                    + ", and a classifier needs at least " + MIN_CLASSES + " classes (give the number of classes"
                    + " if the data lacks some)");
        }
        return maxLabel + 1;
    }

    /** Null if {@code k} is a number of classes we take, else what is wrong, for a flag or Param. */
    public static String checkCount(int k) {
        return k >= MIN_CLASSES && k <= MAX_CLASSES ? null
                : "the number of classes must be from " + MIN_CLASSES + " to " + MAX_CLASSES + ", got " + k;
    }
}
