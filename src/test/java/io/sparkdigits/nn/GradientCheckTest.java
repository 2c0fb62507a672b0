package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every weight and bias of a small three-layer network: the analytic gradient of
 * {@link Mlp#accumulateGradient} against central finite differences of an independent
 * double-precision reference loss, for every activation on every kernel path.
 */
class GradientCheckTest {

    static Stream<Arguments> pathsAndActivations() {
        List<Arguments> all = new ArrayList<>();
        for (MatMul mm : Kernels.all()) {
            for (Activation a : Activation.values()) {
                all.add(Arguments.of(mm, a));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathsAndActivations")
    void analyticGradientMatchesFiniteDifferences(MatMul mm, Activation activation) {
        // Widths of 70 and 18 reach the 4x4, 4x1 and column-tail code of 16-lane vector kernels.
        NetworkSpec spec = new NetworkSpec(new int[] {6, 70, 18, 3}, activation);
        SplittableRandom random = new SplittableRandom(42);
        float[] params = Init.initialize(spec, 7);
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) random.nextDouble(-0.1, 0.1); // non-zero biases too
        }
        int rows = 5;
        float[] x = new float[rows * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            // Some exact zeros, so that the zero-skipping path of the kernels is exercised.
            x[i] = random.nextInt(4) == 0 ? 0f : (float) random.nextDouble(-1, 1);
        }
        byte[] y = {0, 2, 1, 2, 0};

        float[] grad = new float[spec.numParams()];
        BatchStats stats = new BatchStats();
        Mlp.accumulateGradient(spec, params, x, y, 0, rows, grad, new Mlp.Workspace(spec, rows, mm), stats);

        double[] p = new double[params.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = params[i];
        }
        assertEquals(ReferenceNet.loss(spec, p, x, y, rows), stats.lossSum(), 1e-4, "loss");
        double eps = 1e-5;
        double worst = 0;
        for (int i = 0; i < p.length; i++) {
            double saved = p[i];
            p[i] = saved + eps;
            double up = ReferenceNet.loss(spec, p, x, y, rows);
            p[i] = saved - eps;
            double down = ReferenceNet.loss(spec, p, x, y, rows);
            p[i] = saved;
            double numeric = (up - down) / (2 * eps);
            double error = Math.abs(numeric - grad[i]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(grad[i]));
            worst = Math.max(worst, error);
            int at = i;
            float analytic = grad[i];
            assertTrue(error < 1e-3, () -> "parameter " + at + ": analytic " + analytic + " vs numeric " + numeric);
        }
        assertTrue(worst < 1e-3, "worst relative error " + worst);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathsAndActivations")
    void gradientsAccumulateAcrossCalls(MatMul mm, Activation activation) {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 3, 2}, activation);
        float[] params = Init.initialize(spec, 3);
        float[] x = {0.5f, -1f, 0f, 2f, 1f, 1f, -0.5f, 0.25f};
        byte[] y = {1, 0};
        Mlp.Workspace ws = new Mlp.Workspace(spec, 2, mm);
        float[] both = new float[spec.numParams()];
        Mlp.accumulateGradient(spec, params, x, y, 0, 2, both, ws, new BatchStats());
        float[] split = new float[spec.numParams()];
        Mlp.accumulateGradient(spec, params, x, y, 0, 1, split, ws, new BatchStats());
        Mlp.accumulateGradient(spec, params, java.util.Arrays.copyOfRange(x, 4, 8), y, 1, 1, split, ws, new BatchStats());
        for (int i = 0; i < both.length; i++) {
            assertEquals(both[i], split[i], 1e-6, "param " + i);
        }
    }
}
