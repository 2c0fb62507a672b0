package io.sparkdigits.optim;

import java.util.Map;

/**
 * Turns the mean gradient of one global mini-batch into an in-place update of the flat parameter
 * array. Runs on the driver, once per step, single-threaded.
 *
 * <p>Lifecycle: construct with a {@link WeightMask} (which fixes the parameter count and which
 * entries get weight decay), call {@link #step} once per mini-batch, and checkpoint
 * {@link #state()} and {@link #stepCount()} beside the weights. To resume, construct an optimizer
 * with the same hyper-parameters and call {@link #restore}; it then continues bit for bit.
 *
 * <p>All arithmetic is in {@code float}, in a fixed order, with {@link StrictMath} for the few
 * scalar powers, so the same inputs give bit-identical outputs on every JVM.
 */
public interface Optimizer extends java.io.Serializable {
    /**
     * One update. {@code grad} is the mean gradient (same layout as {@code params}) and must NOT
     * be relied on afterwards: implementations may modify it in place (e.g. to add weight decay).
     * {@code lr} is this step's learning rate (from the schedule).
     *
     * @throws IllegalArgumentException if either array's length differs from the mask's, or
     *                                  {@code lr} is negative or not finite
     */
    void step(float[] params, float[] grad, float lr);

    /** {@code "sgd"}, {@code "momentum"} or {@code "adam"}. */
    String name();

    /**
     * Optimizer state for exact resume: named arrays ({@code "velocity"}, or {@code "m"} and
     * {@code "v"}), each the length of params; empty for plain SGD. The arrays are COPIES, so the
     * snapshot stays valid while training continues. Iteration order is fixed.
     */
    Map<String, float[]> state();

    /** Number of {@link #step} calls so far, counting those before a {@link #restore}. */
    long stepCount();

    /**
     * Restores state saved by {@link #state()}/{@link #stepCount()}. The arrays are copied.
     *
     * @throws IllegalArgumentException if the names or lengths do not match, or stepCount is negative
     */
    void restore(Map<String, float[]> state, long stepCount);

    /** Hyper-parameters, e.g. {@code adam(beta1=0.9, beta2=0.999, eps=1.0E-8, weightDecay=0.0)}. */
    @Override
    String toString();
}
