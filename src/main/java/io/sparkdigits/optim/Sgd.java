package io.sparkdigits.optim;

/**
 * Plain stochastic gradient descent: {@code g += weightDecay * p} on weights (classic L2), then
 * {@code p -= lr * g}. Stateless apart from the step count.
 */
public final class Sgd extends BaseOptimizer {
    private static final long serialVersionUID = 1L;

    /**
     * @param weightDecay L2 coefficient for the weights in {@code mask}; 0 disables it
     * @param mask        parameter count and which entries are weights
     */
    public Sgd(double weightDecay, WeightMask mask) {
        super(mask, weightDecay);
    }

    @Override
    void update(float[] params, float[] grad, float lr, long completedSteps) {
        if (weightDecay != 0f) {
            mask.addScaledWeights(grad, params, weightDecay);
        }
        for (int i = 0; i < params.length; i++) {
            params[i] -= lr * grad[i];
        }
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String toString() {
        return "sgd(weightDecay=" + weightDecayArg + ")";
    }
}
