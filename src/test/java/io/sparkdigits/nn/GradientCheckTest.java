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
 * Every weight and bias of small networks: the analytic gradient of {@link Mlp#accumulateGradient}
 * against central finite differences of an independent double-precision reference loss
 * ({@link ReferenceNet}: convolution as direct sums, no lowering), for every activation on every
 * kernel path: dense layers, convolutions (same and valid padding, strides 1 and 2, several
 * channels), max pooling, and dropout with its masks held fixed.
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
        short[] y = {0, 2, 1, 2, 0};
        check(spec, params, x, y, rows, new Mlp.Workspace(spec, rows, mm), null);
    }

    /** Networks with convolutions and pooling, each stage type in several shapes. */
    static Stream<Arguments> convNets() {
        List<Arguments> all = new ArrayList<>();
        String[][] nets = {
            {"6x6x1", "conv3x3x4,pool2,dense5,3"},
            {"7x7x2", "conv3x3x3:s2:valid,conv2x2x4,3"},
            {"5x6x1", "conv5x5x2:s2,conv3x3x17,pool2,3"},
            {"8x8x1", "conv3x3x2,pool2,conv3x3x3:valid,3"},
        };
        for (MatMul mm : Kernels.all()) {
            for (Activation a : Activation.values()) {
                for (String[] net : nets) {
                    all.add(Arguments.of(mm, a, net[0], net[1]));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("convNets")
    void convolutionalGradientMatchesFiniteDifferences(MatMul mm, Activation activation, String shape, String layers) {
        String[] hwc = shape.split("x");
        Stage.Shape input = new Stage.Shape(Integer.parseInt(hwc[0]), Integer.parseInt(hwc[1]), Integer.parseInt(hwc[2]));
        NetworkSpec spec = NetworkSpec.parse(layers, input, input.size(), 3, activation);
        float[] params = perturbed(spec, 11);
        int rows = 3;
        float[] x = Kernels.random(new SplittableRandom(5), rows * spec.inputSize(), 0.3);
        check(spec, params, x, new short[] {2, 0, 1}, rows, new Mlp.Workspace(spec, rows, mm), null);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathsAndActivations")
    void dropoutGradientMatchesFiniteDifferencesWithTheSameMasks(MatMul mm, Activation activation) {
        NetworkSpec spec = NetworkSpec.parse("conv3x3x3,pool2,dense7,dense6,3", new Stage.Shape(6, 6, 1), 36, 3, activation);
        float[] params = perturbed(spec, 13);
        int rows = 4;
        float[] x = Kernels.random(new SplittableRandom(9), rows * spec.inputSize(), 0.2);
        Dropout.Masks masks = Dropout.of(spec, new double[] {0.3, 0.5, 0.2}).masks(spec, rows)
                .draw(new long[] {1, 2, 3, 4}, rows);
        float[][][] keep = new float[rows][spec.stages().size()][];
        int dropped = 0;
        for (int i = 0; i < spec.stages().size(); i++) {
            float[] f = masks.factors(i);
            int n = spec.stages().get(i).inSize();
            for (int r = 0; r < rows && f != null; r++) {
                keep[r][i] = java.util.Arrays.copyOfRange(f, r * n, (r + 1) * n);
                for (float v : keep[r][i]) {
                    dropped += v == 0f ? 1 : 0;
                }
            }
        }
        assertTrue(dropped > 10, "masks drop inputs: " + dropped);
        check(spec, params, x, new short[] {2, 0, 1, 1}, rows, new Mlp.Workspace(spec, rows, mm), masks, keep);
    }

    private static float[] perturbed(NetworkSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] params = Init.initialize(spec, seed);
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) random.nextDouble(-0.1, 0.1);
        }
        return params;
    }

    private static void check(NetworkSpec spec, float[] params, float[] x, short[] y, int rows, Mlp.Workspace ws,
                              Dropout.Masks masks) {
        check(spec, params, x, y, rows, ws, masks, null);
    }

    private static void check(NetworkSpec spec, float[] params, float[] x, short[] y, int rows, Mlp.Workspace ws,
                              Dropout.Masks masks, float[][][] keep) {
        float[] grad = new float[spec.numParams()];
        BatchStats stats = new BatchStats();
        Mlp.accumulateGradient(spec, params, x, y, 0, rows, grad, ws, stats, masks);
        double[] p = new double[params.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = params[i];
        }
        assertEquals(ReferenceNet.loss(spec, p, x, y, rows, keep), stats.lossSum(), 1e-4, "loss");
        double eps = 1e-5;
        double worst = 0;
        for (int i = 0; i < p.length; i++) {
            double saved = p[i];
            p[i] = saved + eps;
            double up = ReferenceNet.loss(spec, p, x, y, rows, keep);
            p[i] = saved - eps;
            double down = ReferenceNet.loss(spec, p, x, y, rows, keep);
            p[i] = saved;
            double numeric = (up - down) / (2 * eps);
            double error = Math.abs(numeric - grad[i]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(grad[i]));
            worst = Math.max(worst, error);
            int at = i;
            float analytic = grad[i];
            assertTrue(error < 1e-3, () -> spec + " parameter " + at + ": analytic " + analytic + " vs numeric " + numeric);
        }
        assertTrue(worst < 1e-3, "worst relative error " + worst);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathsAndActivations")
    void gradientsAccumulateAcrossCalls(MatMul mm, Activation activation) {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 3, 2}, activation);
        float[] params = Init.initialize(spec, 3);
        float[] x = {0.5f, -1f, 0f, 2f, 1f, 1f, -0.5f, 0.25f};
        short[] y = {1, 0};
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
