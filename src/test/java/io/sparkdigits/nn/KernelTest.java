package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dense and softmax kernels against naive triple loops in double. */
class KernelTest {
    private final SplittableRandom random = new SplittableRandom(1);

    private float[] randomArray(int n, boolean sparse) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = sparse && random.nextInt(3) == 0 ? 0f : (float) random.nextDouble(-1, 1);
        }
        return a;
    }

    @Test
    void forwardMatchesNaive() {
        int rows = 7, nIn = 13, nOut = 9, wOff = 5;
        float[] params = randomArray(wOff + nIn * nOut + nOut + 3, false);
        float[] in = randomArray(rows * nIn, true);
        float[] out = new float[rows * nOut];
        Dense.forward(out, in, params, wOff, wOff + nIn * nOut, rows, nIn, nOut);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < nOut; j++) {
                double s = params[wOff + nIn * nOut + j];
                for (int k = 0; k < nIn; k++) {
                    s += (double) in[r * nIn + k] * params[wOff + k * nOut + j];
                }
                assertEquals(s, out[r * nOut + j], 1e-5, "out[" + r + "][" + j + "]");
            }
        }
    }

    @Test
    void backwardMatchesNaive() {
        int rows = 6, nIn = 11, nOut = 8;
        float[] params = randomArray(nIn * nOut + nOut, false);
        float[] in = randomArray(rows * nIn, true);
        float[] dOut = randomArray(rows * nOut, false);
        float[] grad = randomArray(params.length, false); // must be added to, not overwritten
        float[] before = grad.clone();
        float[] dIn = new float[rows * nIn];
        Dense.backward(dIn, grad, dOut, in, params, 0, nIn * nOut, rows, nIn, nOut);
        for (int k = 0; k < nIn; k++) {
            for (int j = 0; j < nOut; j++) {
                double s = before[k * nOut + j];
                for (int r = 0; r < rows; r++) {
                    s += (double) in[r * nIn + k] * dOut[r * nOut + j];
                }
                assertEquals(s, grad[k * nOut + j], 1e-5, "dW[" + k + "][" + j + "]");
            }
        }
        for (int j = 0; j < nOut; j++) {
            double s = before[nIn * nOut + j];
            for (int r = 0; r < rows; r++) {
                s += dOut[r * nOut + j];
            }
            assertEquals(s, grad[nIn * nOut + j], 1e-5, "db[" + j + "]");
        }
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < nIn; k++) {
                double s = 0;
                for (int j = 0; j < nOut; j++) {
                    s += (double) dOut[r * nOut + j] * params[k * nOut + j];
                }
                assertEquals(s, dIn[r * nIn + k], 1e-5, "dIn[" + r + "][" + k + "]");
            }
        }
    }

    @Test
    void softmaxIsStableAndNormalised() {
        float[] z = {1000f, 1001f, 999f, -5f, 0f, 5f};
        SoftmaxCrossEntropy.softmax(z, 2, 3);
        double e = Math.exp(1), sum = 1 + e + 1 / e;
        assertEquals(1 / sum, z[0], 1e-6);
        assertEquals(e / sum, z[1], 1e-6);
        assertEquals(1.0, z[3] + z[4] + z[5], 1e-6);
        assertEquals(Math.exp(10) / (1 + Math.exp(5) + Math.exp(10)), z[5], 1e-6);
    }

    @Test
    void lossAndDeltaAreCrossEntropyAndPMinusY() {
        float[] p = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
        BatchStats stats = new BatchStats();
        SoftmaxCrossEntropy.lossAndDelta(p, new byte[] {0, 1}, 0, 2, 3, stats);
        assertEquals(-Math.log(0.7) - Math.log(0.3), stats.lossSum(), 1e-6);
        assertEquals(1, stats.correct());
        assertEquals(2, stats.count());
        assertArrayEquals(new float[] {0.7f - 1, 0.2f, 0.1f, 0.1f, 0.3f - 1, 0.6f}, p, 1e-7f);
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        float[] p = {0.5f, 0.5f};
        assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.lossAndDelta(p, new byte[] {2}, 0, 1, 2, new BatchStats()));
    }

    @Test
    void rejectsSlicesOutsideTheParameters() {
        float[] params = new float[10];
        assertThrows(IllegalArgumentException.class,
                () -> Dense.forward(new float[4], new float[4], params, 0, 8, 1, 4, 4));
    }

    @Test
    void specLaysOutWeightsThenBiasesPerLayer() {
        NetworkSpec spec = new NetworkSpec(new int[] {784, 128, 64, 10}, Activation.SIGMOID);
        assertEquals(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, spec.numParams());
        assertEquals(784 * 128, spec.biasOffset(0));
        assertEquals(784 * 128 + 128, spec.weightOffset(1));
        assertEquals("784-128-64-10 sigmoid", spec.toString());
    }
}
