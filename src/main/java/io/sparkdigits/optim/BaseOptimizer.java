package io.sparkdigits.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every optimizer shares: the weight mask and decay coefficient, the step counter, the
 * argument checks, and saving/restoring the named state arrays. Subclasses implement only
 * {@link #update}.
 */
abstract class BaseOptimizer implements Optimizer {
    private static final long serialVersionUID = 1L;

    final WeightMask mask;
    /** The coefficient as given, for {@code toString()}. */
    final double weightDecayArg;
    final float weightDecay;
    private final String[] stateNames;
    private final float[][] stateArrays;
    private long steps;

    BaseOptimizer(WeightMask mask, double weightDecay, String... stateNames) {
        if (mask == null) {
            throw new IllegalArgumentException("weight mask is required");
        }
        if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and non-negative: " + weightDecay);
        }
        this.mask = mask;
        this.weightDecayArg = weightDecay;
        this.weightDecay = (float) weightDecay;
        this.stateNames = stateNames.clone();
        this.stateArrays = new float[stateNames.length][mask.length()];
    }

    /**
     * Applies one update. {@code completedSteps} is the number of steps before this one, so the
     * first call sees 0.
     */
    abstract void update(float[] params, float[] grad, float lr, long completedSteps);

    /** The live state array at {@code index} in the constructor's name order. */
    final float[] stateArray(int index) {
        return stateArrays[index];
    }

    @Override
    public final void step(float[] params, float[] grad, float lr) {
        mask.checkLengths(params, grad);
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative: " + lr);
        }
        update(params, grad, lr, steps);
        steps++;
    }

    @Override
    public final long stepCount() {
        return steps;
    }

    @Override
    public final Map<String, float[]> state() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (int s = 0; s < stateNames.length; s++) {
            copy.put(stateNames[s], stateArrays[s].clone());
        }
        return Collections.unmodifiableMap(copy);
    }

    @Override
    public final void restore(Map<String, float[]> state, long stepCount) {
        if (state == null) {
            throw new IllegalArgumentException(name() + " state is null");
        }
        if (stepCount < 0) {
            throw new IllegalArgumentException(name() + " step count must be non-negative: " + stepCount);
        }
        if (!state.keySet().equals(new java.util.HashSet<>(Arrays.asList(stateNames)))) {
            throw new IllegalArgumentException(name() + " state must hold exactly the arrays "
                    + Arrays.toString(stateNames) + ", got " + state.keySet());
        }
        for (String name : stateNames) {
            float[] saved = state.get(name);
            if (saved == null || saved.length != mask.length()) {
                throw new IllegalArgumentException(name() + " state '" + name + "' has length "
                        + (saved == null ? "null" : String.valueOf(saved.length))
                        + ", expected " + mask.length());
            }
        }
        for (int s = 0; s < stateNames.length; s++) {
            System.arraycopy(state.get(stateNames[s]), 0, stateArrays[s], 0, mask.length());
        }
        steps = stepCount;
    }
}
