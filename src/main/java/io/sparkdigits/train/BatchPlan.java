package io.sparkdigits.train;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Which rows of which partition make up each step's global mini-batch.
 *
 * <p>Each epoch every partition shuffles its own rows with a stream derived from
 * {@code (seed, epoch, partition)}, and step {@code s} of {@code S} takes the slice
 * {@code [floor(s n / S), floor((s + 1) n / S))} of that order, {@code n} being the partition's
 * row count and {@code S = ceil(rows / batchSize)}. The global batch is the union of the slices:
 * {@code rows / S} rows give or take one per partition (so at most about {@code batchSize}), drawn
 * from every partition in proportion to its size, with no pass over the data to sample it. Every
 * row is used exactly once an epoch.
 */
public final class BatchPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final int stepsPerEpoch;

    /**
     * @param rows      training rows over all partitions
     * @param batchSize global mini-batch size; {@code <= 0} or {@code >= rows} means full batch
     */
    public BatchPlan(long seed, long rows, int batchSize) {
        this.seed = seed;
        long steps = batchSize <= 0 || batchSize >= rows ? 1 : (rows + batchSize - 1) / batchSize;
        this.stepsPerEpoch = (int) Math.min(Integer.MAX_VALUE, steps);
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public long seed() {
        return seed;
    }

    /** First position (inclusive) in a partition of {@code n} rows of step {@code step}'s slice. */
    public int sliceStart(int n, int step) {
        return (int) ((long) step * n / stepsPerEpoch);
    }

    /** Last position (exclusive) of step {@code step}'s slice. */
    public int sliceEnd(int n, int step) {
        return sliceStart(n, step + 1);
    }

    /** The order of {@code rows} for one partition and epoch: a Fisher-Yates shuffle of {@code base}. */
    public int[] epochOrder(int[] base, int epoch, int partition) {
        int[] order = base.clone();
        SplittableRandom random = stream(seed, epoch, partition);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * An independent random stream for {@code (seed, epoch, partition)}. The three numbers are
     * mixed with distinct odd constants and a 64-bit finalizer, so neighbouring epochs or
     * partitions never share or shift a stream.
     */
    public static SplittableRandom stream(long seed, long epoch, long partition) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ (epoch * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L));
        h = mix(h ^ (partition * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL));
        return new SplittableRandom(h);
    }

    /** The finalizer of SplitMix64 (Steele, Lea and Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
