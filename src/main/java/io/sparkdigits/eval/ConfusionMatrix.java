package io.sparkdigits.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Counts of (actual class, predicted class) pairs over {@code classes} classes. Rows are actual
 * classes, columns predicted ones. Mergeable, so Spark can build one matrix per partition and sum
 * them ({@code aggregate}/{@code treeAggregate} with {@link #add} and {@link #merge}).
 *
 * <p>Undefined ratios are reported as 0 rather than NaN, so a report stays JSON-able and averages
 * stay finite: {@link #accuracy()} with no rows, {@link #precision(int)} for a class never
 * predicted, {@link #recall(int)} for a class with no rows, and {@link #f1(int)} when precision
 * and recall are both 0.
 */
public final class ConfusionMatrix implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int classes;
    /** {@code counts[actual * classes + predicted]}. */
    private final long[] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a confusion matrix needs at least one class: " + classes);
        }
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    public int classes() {
        return classes;
    }

    /** Records one row whose label is {@code actual} and whose prediction is {@code predicted}. */
    public void add(int actual, int predicted) {
        counts[index(actual, predicted)]++;
    }

    /** Adds every count of {@code other} (same class count) into this matrix. */
    public void merge(ConfusionMatrix other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException("cannot merge a " + other.classes + "-class matrix into a "
                    + classes + "-class one");
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    public long count(int actual, int predicted) {
        return counts[index(actual, predicted)];
    }

    /** Rows seen. */
    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** Rows whose label is {@code c} (the row sum). */
    public long support(int c) {
        checkClass(c, "class");
        long s = 0;
        for (int p = 0; p < classes; p++) {
            s += counts[c * classes + p];
        }
        return s;
    }

    /** Rows predicted as {@code c} (the column sum). */
    public long predicted(int c) {
        checkClass(c, "class");
        long s = 0;
        for (int a = 0; a < classes; a++) {
            s += counts[a * classes + c];
        }
        return s;
    }

    /**
     * Whether class {@code c} is in the evaluated rows or among their predictions; a class that is
     * in neither (class 0 of labels numbered from 1) has no precision or recall to speak of.
     */
    public boolean occurs(int c) {
        return support(c) > 0 || predicted(c) > 0;
    }

    /** How many classes {@link #occurs occur}. */
    public int occurring() {
        int n = 0;
        for (int c = 0; c < classes; c++) {
            n += occurs(c) ? 1 : 0;
        }
        return n;
    }

    /** The classes that {@link #occurs occur}, in class order. */
    public List<Integer> occurringClasses() {
        List<Integer> found = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (occurs(c)) {
                found.add(c);
            }
        }
        return found;
    }

    /** Of the classes that occur, the {@code n} of lowest F1 (ties by class), lowest first. */
    public List<Integer> lowestF1(int n) {
        List<Integer> found = occurringClasses();
        found.sort(Comparator.comparingDouble((Integer c) -> f1(c)).thenComparingInt(c -> c));
        return new ArrayList<>(found.subList(0, Math.min(n, found.size())));
    }

    /** Rows on the diagonal. */
    public long correct() {
        long s = 0;
        for (int c = 0; c < classes; c++) {
            s += counts[c * classes + c];
        }
        return s;
    }

    /** Fraction of rows predicted correctly; 0 with no rows. */
    public double accuracy() {
        return ratio(correct(), total());
    }

    /** Of the rows predicted as {@code c}, the fraction that are {@code c}; 0 if none was predicted as {@code c}. */
    public double precision(int c) {
        return ratio(count(c, c), predicted(c));
    }

    /** Of the rows that are {@code c}, the fraction predicted as {@code c}; 0 if no row is {@code c}. */
    public double recall(int c) {
        return ratio(count(c, c), support(c));
    }

    /** Harmonic mean of precision and recall; 0 if both are 0. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** One cell of the matrix: {@code count} rows of class {@code actual} predicted as {@code predicted}. */
    public record Cell(int actual, int predicted, long count) {
    }

    /**
     * The {@code n} off-diagonal cells of the largest counts (ties: lower actual, then predicted
     * class first), none empty: what to show of a matrix too large to print.
     */
    public java.util.List<Cell> mostConfused(int n) {
        java.util.PriorityQueue<Cell> top = new java.util.PriorityQueue<>(BY_COUNT.reversed());
        for (int a = 0; a < classes; a++) {
            for (int p = 0; p < classes; p++) {
                long c = counts[a * classes + p];
                if (a != p && c > 0 && n > 0) {
                    top.add(new Cell(a, p, c));
                    if (top.size() > n) {
                        top.poll();
                    }
                }
            }
        }
        return top.stream().sorted(BY_COUNT).toList();
    }

    /** The non-zero cells in row-major order: a sparse form of the matrix. */
    public java.util.List<Cell> nonZero() {
        java.util.List<Cell> out = new java.util.ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                out.add(new Cell(i / classes, i % classes, counts[i]));
            }
        }
        return out;
    }

    private static final java.util.Comparator<Cell> BY_COUNT = java.util.Comparator.comparingLong(Cell::count)
            .reversed().thenComparingInt(Cell::actual).thenComparingInt(Cell::predicted);

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    private int index(int actual, int predicted) {
        checkClass(actual, "actual class");
        checkClass(predicted, "predicted class");
        return actual * classes + predicted;
    }

    private void checkClass(int c, String what) {
        if (c < 0 || c >= classes) {
            throw new IndexOutOfBoundsException(what + " " + c + " is outside 0.." + (classes - 1));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix other && other.classes == classes && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * classes + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix(" + classes + " classes, " + total() + " rows)";
    }
}
