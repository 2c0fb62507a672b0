package io.sparkdigits.train;

import java.io.Serializable;

/**
 * Holds out a fixed fraction of each partition for validation. The held-out rows are the tail of
 * a shuffle seeded by {@code (seed, -1, partition)}: the same rows every epoch, never trained on.
 */
public record RowSplit(long seed, double validationFraction) implements Serializable {

    public RowSplit {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
    }

    /** No validation: every row trains. */
    public static RowSplit none(long seed) {
        return new RowSplit(seed, 0);
    }

    public int trainCount(int rows) {
        return rows - validationCount(rows);
    }

    public int validationCount(int rows) {
        return (int) Math.floor(rows * validationFraction);
    }

    /** The partition's training rows in storage order. */
    public int[] trainRows(int rows, int partition) {
        return sorted(java.util.Arrays.copyOf(held(rows, partition), trainCount(rows)));
    }

    /** The partition's validation rows in storage order. */
    public int[] validationRows(int rows, int partition) {
        int[] all = held(rows, partition);
        return sorted(java.util.Arrays.copyOfRange(all, trainCount(rows), rows));
    }

    private int[] held(int rows, int partition) {
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) {
            identity[i] = i;
        }
        if (validationFraction == 0) {
            return identity;
        }
        return new BatchPlan(seed, rows, rows).epochOrder(identity, -1, partition);
    }

    private static int[] sorted(int[] a) {
        java.util.Arrays.sort(a);
        return a;
    }
}
