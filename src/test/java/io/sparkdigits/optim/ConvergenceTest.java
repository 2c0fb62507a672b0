package io.sparkdigits.optim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Each optimizer minimises f(p) = 1/2 sum a_i (p_i - c_i)^2 to near its optimum. */
class ConvergenceTest {
    private static final int N = 20;
    private static final float[] A = new float[N];
    private static final float[] C = new float[N];

    static {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < N; i++) {
            A[i] = (float) random.nextDouble(0.5, 5.0);
            C[i] = (float) random.nextDouble(-3.0, 3.0);
        }
    }

    private static float[] minimise(Optimizer opt, LrSchedule schedule, int steps) {
        float[] p = new float[N];
        float[] g = new float[N];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < N; i++) {
                g[i] = A[i] * (p[i] - C[i]);
            }
            opt.step(p, g, (float) schedule.rate(s, steps));
        }
        return p;
    }

    private static void assertNear(float[] expected, float[] p, double tol) {
        for (int i = 0; i < N; i++) {
            assertEquals(expected[i], p[i], tol, "param " + i);
        }
    }

    @Test
    void sgd() {
        assertNear(C, minimise(new Sgd(0, WeightMask.noWeights(N)), LrSchedule.constant(0.1), 300), 1e-4);
    }

    @Test
    void momentum() {
        assertNear(C, minimise(new Momentum(0.9, false, 0, WeightMask.noWeights(N)), LrSchedule.constant(0.05), 400), 1e-4);
    }

    @Test
    void nesterov() {
        assertNear(C, minimise(new Momentum(0.9, true, 0, WeightMask.noWeights(N)), LrSchedule.constant(0.05), 400), 1e-4);
    }

    @Test
    void adamWithCosineDecay() {
        assertNear(C, minimise(new Adam(0, WeightMask.noWeights(N)), LrSchedule.cosine(0.1, 20, 0), 1500), 1e-3);
    }

    @Test
    void l2DecayMovesTheOptimumOfWeightsOnly() {
        // with decay wd on entry i the minimum of f + wd/2 p_i^2 is a_i c_i / (a_i + wd)
        double wd = 0.5;
        WeightMask firstHalf = WeightMask.of(N, 0, N / 2);
        float[] expected = new float[N];
        for (int i = 0; i < N; i++) {
            expected[i] = i < N / 2 ? (float) (A[i] * C[i] / (A[i] + wd)) : C[i];
        }
        assertNear(expected, minimise(new Sgd(wd, firstHalf), LrSchedule.constant(0.1), 300), 1e-4);
        assertNear(expected, minimise(new Momentum(0.9, true, wd, firstHalf), LrSchedule.constant(0.05), 400), 1e-4);
    }
}
