package io.sparkdigits.train;

import java.io.Serializable;

/**
 * The summed gradient, loss and accuracy counts of some rows, in fixed point.
 *
 * <p>Spark combines partial sums in whatever order tasks finish and shuffle blocks arrive, and
 * float addition is not associative, so float partials would make the model depend on timing.
 * Each partition therefore rounds its float sums to multiples of 2^-32 and the partials are added
 * as {@code long}s: exact, so the total is the same in any order, on any cluster, after any
 * re-run task. The rounding (2.3e-10) is far below a float's precision at the gradient's scale.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double SCALE = 4294967296.0;     // 2^32
    private static final double LIMIT = 0x1p62;           // headroom for adding partials

    private long[] grad;          // null until a partial is added: the zero value ships for free
    private long loss;
    private long correct;
    private long count;

    /** The zero value. */
    public GradientSum() {
    }

    /** A partial from float sums computed on one partition. */
    public static GradientSum of(float[] gradSum, double lossSum, long correct, long count) {
        GradientSum s = new GradientSum();
        s.grad = new long[gradSum.length];
        for (int i = 0; i < gradSum.length; i++) {
            s.grad[i] = toFixed(gradSum[i]);
        }
        s.loss = toFixed(lossSum);
        s.correct = correct;
        s.count = count;
        return s;
    }

    private static long toFixed(double v) {
        double scaled = v * SCALE;
        if (!(Math.abs(scaled) < LIMIT)) {
            throw new DivergedException(Double.isNaN(v)
                    ? "training diverged: the gradient or loss is NaN (lower the learning rate)"
                    : "training diverged: a gradient of " + v + " is too large (lower the learning rate)");
        }
        return Math.round(scaled);
    }

    /** Adds {@code other} into this sum and returns this (Spark's combine function). */
    public GradientSum merge(GradientSum other) {
        if (other.grad != null) {
            if (grad == null) {
                grad = other.grad.clone();
            } else {
                for (int i = 0; i < grad.length; i++) {
                    grad[i] += other.grad[i];
                }
            }
        }
        loss += other.loss;
        correct += other.correct;
        count += other.count;
        return this;
    }

    /** The mean gradient over the rows counted, as floats, into {@code out}. */
    public void meanInto(float[] out) {
        if (grad == null || count == 0) {
            java.util.Arrays.fill(out, 0f);
            return;
        }
        double f = 1.0 / (SCALE * count);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (grad[i] * f);
        }
    }

    public double lossSum() {
        return loss / SCALE;
    }

    public long correct() {
        return correct;
    }

    public long count() {
        return count;
    }
}
