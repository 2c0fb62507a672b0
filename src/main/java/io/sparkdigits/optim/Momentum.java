package io.sparkdigits.optim;

/**
 * Heavy-ball momentum (Polyak 1964), optionally in Nesterov's form (Sutskever et al. 2013). With
 * {@code g} the gradient plus {@code weightDecay * p} on weights (classic L2):
 * <pre>
 *   v = mu * v + g
 *   plain:    p -= lr * v
 *   Nesterov: p -= lr * (g + mu * v)      (v already updated)
 * </pre>
 * The learning rate multiplies the velocity rather than being folded into it, so changing the
 * rate (a schedule) rescales the whole step at once. State: {@code "velocity"}, zero at the start.
 */
public final class Momentum extends BaseOptimizer {
    private static final long serialVersionUID = 1L;

    /** The usual choice; callers pass it explicitly. */
    public static final double DEFAULT_MOMENTUM = 0.9;

    private final double momentumArg;
    private final float mu;
    private final boolean nesterov;

    /**
     * @param momentum    coefficient {@code mu} in {@code [0, 1)}
     * @param nesterov    use Nesterov's look-ahead form
     * @param weightDecay L2 coefficient for the weights in {@code mask}; 0 disables it
     * @param mask        parameter count and which entries are weights
     */
    public Momentum(double momentum, boolean nesterov, double weightDecay, WeightMask mask) {
        super(mask, weightDecay, "velocity");
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
        }
        this.momentumArg = momentum;
        this.mu = (float) momentum;
        this.nesterov = nesterov;
    }

    @Override
    void update(float[] params, float[] grad, float lr, long completedSteps) {
        if (weightDecay != 0f) {
            mask.addScaledWeights(grad, params, weightDecay);
        }
        float[] v = stateArray(0);
        if (nesterov) {
            for (int i = 0; i < params.length; i++) {
                float g = grad[i];
                v[i] = mu * v[i] + g;
                params[i] -= lr * (g + mu * v[i]);
            }
        } else {
            for (int i = 0; i < params.length; i++) {
                v[i] = mu * v[i] + grad[i];
                params[i] -= lr * v[i];
            }
        }
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public String toString() {
        return "momentum(mu=" + momentumArg + ", nesterov=" + nesterov + ", weightDecay=" + weightDecayArg + ")";
    }
}
