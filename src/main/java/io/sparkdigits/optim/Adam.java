package io.sparkdigits.optim;

/**
 * Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR, Algorithm 1) with
 * decoupled weight decay (AdamW: Loshchilov and Hutter 2019, "Decoupled Weight Decay
 * Regularization", ICLR). At step {@code t} (1-based):
 * <pre>
 *   p -= lr * weightDecay * p                      (weights only, from the old p; never via g)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g * g
 *   p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * The decay is kept out of {@code m} and {@code v}: folded into the gradient it would be
 * rescaled by {@code 1/sqrt(v)} and weights with large gradients would hardly be regularised.
 * State: {@code "m"} and {@code "v"}, zero at the start; {@code t} is {@link #stepCount()} + 1.
 */
public final class Adam extends BaseOptimizer {
    private static final long serialVersionUID = 1L;

    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    private final double beta1Arg;
    private final double beta2Arg;
    private final double epsArg;
    private final float beta1;
    private final float beta2;
    private final float eps;

    /** Adam with the paper's defaults (beta1 0.9, beta2 0.999, eps 1e-8). */
    public Adam(double weightDecay, WeightMask mask) {
        this(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, weightDecay, mask);
    }

    /**
     * @param beta1       decay of the first-moment average, in {@code [0, 1)}
     * @param beta2       decay of the second-moment average, in {@code [0, 1)}
     * @param eps         added to the root of the second moment, positive
     * @param weightDecay decoupled decay coefficient for the weights in {@code mask}; 0 disables it
     * @param mask        parameter count and which entries are weights
     */
    public Adam(double beta1, double beta2, double eps, double weightDecay, WeightMask mask) {
        super(mask, weightDecay, "m", "v");
        if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1): " + beta1 + ", " + beta2);
        }
        if (!(eps > 0.0) || Double.isInfinite(eps) || (float) eps == 0f) {
            throw new IllegalArgumentException("eps must be positive and representable as a float: " + eps);
        }
        this.beta1Arg = beta1;
        this.beta2Arg = beta2;
        this.epsArg = eps;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
    }

    @Override
    void update(float[] params, float[] grad, float lr, long completedSteps) {
        if (weightDecay != 0f) {
            // p += (-(lr * wd)) * p is bit-identical to p -= lr * wd * p.
            mask.addScaledWeights(params, params, -(lr * weightDecay));
        }
        long t = completedSteps + 1;
        // StrictMath: the same bias corrections on every JVM, interpreted or compiled.
        float c1 = (float) (1.0 / (1.0 - StrictMath.pow(beta1, t)));
        float c2 = (float) (1.0 / (1.0 - StrictMath.pow(beta2, t)));
        float a1 = 1f - beta1;
        float a2 = 1f - beta2;
        float[] m = stateArray(0);
        float[] v = stateArray(1);
        for (int i = 0; i < params.length; i++) {
            float g = grad[i];
            m[i] = beta1 * m[i] + a1 * g;
            v[i] = beta2 * v[i] + a2 * g * g;
            float mHat = m[i] * c1;
            float vHat = v[i] * c2;
            params[i] -= lr * mHat / ((float) Math.sqrt(vHat) + eps);
        }
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public String toString() {
        return "adam(beta1=" + beta1Arg + ", beta2=" + beta2Arg + ", eps=" + epsArg
                + ", weightDecay=" + weightDecayArg + ")";
    }
}
