package io.sparkdigits.optim;

import io.sparkdigits.nn.NetworkSpec;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which entries of a flat parameter array are weights, and so subject to weight decay, and how
 * long that array is. Biases are left out: decaying them only shifts activations and is not
 * what L2 regularisation means.
 *
 * <p>The weights are a list of sorted, disjoint, half-open ranges {@code [start, end)} over
 * {@code [0, length)}. For a network, {@link #of(NetworkSpec)} gives one range per layer
 * ({@code [weightOffset(l), biasOffset(l))}); tests and other layouts use {@link #of(int, int...)}.
 * Immutable.
 */
public final class WeightMask implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int length;
    private final int[] ranges;

    private WeightMask(int length, int[] ranges) {
        if (length < 0) {
            throw new IllegalArgumentException("parameter count must be non-negative: " + length);
        }
        if (ranges.length % 2 != 0) {
            throw new IllegalArgumentException("weight ranges come in [start, end) pairs, got "
                    + ranges.length + " numbers");
        }
        int previousEnd = 0;
        for (int r = 0; r < ranges.length; r += 2) {
            int start = ranges[r];
            int end = ranges[r + 1];
            if (start < previousEnd || end < start || end > length) {
                throw new IllegalArgumentException("weight ranges must be sorted, disjoint and within [0, "
                        + length + "): " + Arrays.toString(ranges));
            }
            previousEnd = end;
        }
        this.length = length;
        this.ranges = ranges;
    }

    /** The weight matrices of every layer of {@code spec}; its biases are excluded. */
    public static WeightMask of(NetworkSpec spec) {
        int[] ranges = new int[2 * spec.layers()];
        for (int l = 0; l < spec.layers(); l++) {
            ranges[2 * l] = spec.weightOffset(l);
            ranges[2 * l + 1] = spec.biasOffset(l);
        }
        return new WeightMask(spec.numParams(), ranges);
    }

    /**
     * @param length number of parameters
     * @param ranges {@code start0, end0, start1, end1, ...}: sorted, disjoint, half-open
     */
    public static WeightMask of(int length, int... ranges) {
        return new WeightMask(length, ranges.clone());
    }

    /** Every one of {@code length} parameters is a weight. */
    public static WeightMask allWeights(int length) {
        return new WeightMask(length, new int[] {0, length});
    }

    /** None of {@code length} parameters is a weight: weight decay has no effect. */
    public static WeightMask noWeights(int length) {
        return new WeightMask(length, new int[0]);
    }

    /** Length of the parameter array this mask describes. */
    public int length() {
        return length;
    }

    /** The ranges as {@code start0, end0, start1, end1, ...} (a copy). */
    public int[] ranges() {
        return ranges.clone();
    }

    public boolean isWeight(int i) {
        for (int r = 0; r < ranges.length; r += 2) {
            if (i >= ranges[r] && i < ranges[r + 1]) {
                return true;
            }
        }
        return false;
    }

    /** {@code dst[i] += c * src[i]} for every weight index {@code i}; biases are left alone. */
    void addScaledWeights(float[] dst, float[] src, float c) {
        for (int r = 0; r < ranges.length; r += 2) {
            for (int i = ranges[r], end = ranges[r + 1]; i < end; i++) {
                dst[i] += c * src[i];
            }
        }
    }

    /** Throws unless both arrays have this mask's length. */
    void checkLengths(float[] params, float[] grad) {
        if (params.length != length || grad.length != length) {
            throw new IllegalArgumentException("expected params and grad of length " + length
                    + ", got " + params.length + " and " + grad.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightMask other && length == other.length && Arrays.equals(ranges, other.ranges);
    }

    @Override
    public int hashCode() {
        return 31 * length + Arrays.hashCode(ranges);
    }

    /** {@code weights[0, 6) [8, 12) of 14}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("weights");
        for (int r = 0; r < ranges.length; r += 2) {
            sb.append(" [").append(ranges[r]).append(", ").append(ranges[r + 1]).append(')');
        }
        return sb.append(" of ").append(length).toString();
    }
}
