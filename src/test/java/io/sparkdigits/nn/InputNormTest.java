package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Standardising features, and folding that into the first layer so a model takes raw values. */
class InputNormTest {
    /** Rows whose features differ in units by orders of magnitude, one constant. */
    private static float[] table(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double unit = Math.pow(10, c % 5 - 2);
                x[r * cols + c] = c == cols - 1 ? 7f : (float) ((random.nextDouble() * 2 - 0.5) * unit + 3 * unit);
            }
        }
        return x;
    }

    private static InputNorm normOf(float[] x, int rows, int cols) {
        double[] sum = new double[cols];
        double[] sumSq = new double[cols];
        for (int i = 0; i < rows * cols; i++) {
            sum[i % cols] += x[i];
            sumSq[i % cols] += (double) x[i] * x[i];
        }
        return InputNorm.of(sum, sumSq, rows);
    }

    @Test
    void standardisedFeaturesHaveMeanZeroAndUnitSpreadAndAConstantOneBecomesZero() {
        int rows = 500;
        int cols = 6;
        float[] x = table(rows, cols, 3);
        InputNorm norm = normOf(x, rows, cols);
        norm.apply(x, rows);
        for (int c = 0; c < cols; c++) {
            double sum = 0;
            double sumSq = 0;
            for (int r = 0; r < rows; r++) {
                sum += x[r * cols + c];
                sumSq += x[r * cols + c] * x[r * cols + c];
            }
            double mean = sum / rows;
            assertEquals(0, mean, 1e-4, "mean of feature " + c);
            assertEquals(c == cols - 1 ? 0 : 1, Math.sqrt(sumSq / rows - mean * mean), 1e-3, "spread of feature " + c);
        }
    }

    @Test
    void theFoldedNetworkGivesOnRawRowsWhatTheNetworkGivesOnStandardisedOnes() {
        int rows = 64;
        int cols = 6;
        NetworkSpec spec = new NetworkSpec(new int[] {cols, 16, 8, 3}, Activation.RELU);
        float[] params = Init.initialize(spec, 11);
        float[] raw = table(rows, cols, 5);
        InputNorm norm = normOf(raw, rows, cols);
        float[] standardised = raw.clone();
        norm.apply(standardised, rows);

        float[] expected = Mlp.forward(spec, params, standardised, rows, new Mlp.Workspace(spec, rows)).clone();
        float[] folded = norm.fold(spec, params);
        float[] got = Mlp.forward(spec, folded, raw, rows, new Mlp.Workspace(spec, rows));
        assertArrayEquals(java.util.Arrays.copyOf(expected, rows * 3), java.util.Arrays.copyOf(got, rows * 3), 2e-4f);
        // Only the first layer changes.
        int rest = spec.weightOffset(1);
        assertArrayEquals(java.util.Arrays.copyOfRange(params, rest, params.length),
                java.util.Arrays.copyOfRange(folded, rest, folded.length));
    }

    @Test
    void aNetworkThatDoesNotStartWithADenseLayerOfTheFeaturesIsRefused() {
        InputNorm norm = InputNorm.of(new double[] {1, 2}, new double[] {3, 4}, 2);
        NetworkSpec wider = new NetworkSpec(new int[] {3, 4, 2}, Activation.RELU);
        assertThrows(IllegalArgumentException.class, () -> norm.fold(wider, new float[wider.numParams()]));
        NetworkSpec conv = NetworkSpec.parse("conv3x3x2,2", Stage.Shape.parse("4x4"), 16, 2, Activation.RELU);
        InputNorm sixteen = InputNorm.of(new double[16], new double[16], 1);
        assertThrows(IllegalArgumentException.class, () -> sixteen.fold(conv, new float[conv.numParams()]));
    }
}
