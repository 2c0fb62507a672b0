package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The branch-free ReLU passes agree with the definition at the edges of the float range. */
class ActivationTest {
    private static final float[] EDGES = {-Float.MAX_VALUE, -1f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE,
        Float.MIN_NORMAL, 1e-30f, 0.5f, 1f, 3e38f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};

    @Test
    void reluForwardIsMaxWithZero() {
        float[] z = EDGES.clone();
        Activation.RELU.forward(z, z.length);
        for (int i = 0; i < z.length; i++) {
            assertEquals(EDGES[i] > 0 ? EDGES[i] : 0f, z[i], 0f, "relu(" + EDGES[i] + ")");
        }
    }

    @Test
    void reluBackwardPassesTheDeltaExactlyWhereTheOutputIsPositive() {
        float[] a = EDGES.clone();
        Activation.RELU.forward(a, a.length);
        float[] delta = new float[a.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = (i % 2 == 0 ? 1 : -1) * (1.2345678f + i);
        }
        float[] expected = delta.clone();
        Activation.RELU.backward(delta, a, a.length);
        for (int i = 0; i < a.length; i++) {
            // sign of a zero delta aside: a product by 0 keeps the sign of the delta
            assertEquals(a[i] > 0 ? expected[i] : 0f, Math.abs(delta[i]) == 0f ? 0f : delta[i], 0f, "a = " + a[i]);
        }
    }
}
