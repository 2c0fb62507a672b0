package io.sparkdigits.nn;

/** Running totals of one pass over rows: summed loss, correct predictions and rows seen. */
public final class BatchStats {
    private double lossSum;
    private long correct;
    private long count;

    public void add(double loss, long correctRows, long rows) {
        lossSum += loss;
        correct += correctRows;
        count += rows;
    }

    public double lossSum() {
        return lossSum;
    }

    public long correct() {
        return correct;
    }

    public long count() {
        return count;
    }
}
