package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dense kernels of every path against naive triple loops in double, against each other, and
 * against their own rounding contract; and the softmax kernels.
 */
class KernelTest {

    /**
     * Odd shapes: rows not a multiple of the 2- or 4-row blocks, widths that leave every kind of
     * column tail after 4-, 2- and 1-vector tiles of 8 or 16 lanes; dense, half-zero and
     * image-like inputs.
     */
    static Stream<Arguments> cases() {
        int[][] shapes = {{1, 1, 2}, {3, 5, 1}, {7, 13, 9}, {5, 37, 17}, {6, 11, 31}, {9, 20, 47},
            {13, 64, 70}, {4, 3, 128}, {11, 40, 10}, {17, 130, 66}};
        double[] zeros = {0, 0.5, 0.8};
        List<Arguments> all = new ArrayList<>();
        for (MatMul mm : Kernels.all()) {
            for (int[] s : shapes) {
                for (double z : zeros) {
                    all.add(Arguments.of(mm, s[0], s[1], s[2], z));
                }
            }
        }
        return all.stream();
    }

    private static float[] input(SplittableRandom random, int rows, int nIn, double zeros) {
        return zeros >= 0.8 ? Kernels.sparseRows(random, rows, nIn, zeros) : Kernels.random(random, rows * nIn, zeros);
    }

    @ParameterizedTest(name = "{0} {1}x{2}->{3} zeros {4}")
    @MethodSource("cases")
    void forwardMatchesNaive(MatMul mm, int rows, int nIn, int nOut, double zeros) {
        SplittableRandom random = new SplittableRandom(rows * 31 + nOut);
        int wOff = 5;
        float[] params = Kernels.random(random, wOff + nIn * nOut + nOut + 3, 0);
        float[] in = input(random, rows, nIn, zeros);
        float[] out = new float[rows * nOut];
        Dense.forward(mm, out, in, params, wOff, wOff + nIn * nOut, rows, nIn, nOut);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < nOut; j++) {
                double s = params[wOff + nIn * nOut + j];
                double size = Math.abs(s);
                for (int k = 0; k < nIn; k++) {
                    s += (double) in[r * nIn + k] * params[wOff + k * nOut + j];
                    size += Math.abs((double) in[r * nIn + k] * params[wOff + k * nOut + j]);
                }
                assertEquals(s, out[r * nOut + j], 1e-6 * (1 + size), "out[" + r + "][" + j + "]");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}->{3} zeros {4}")
    @MethodSource("cases")
    void backwardMatchesNaive(MatMul mm, int rows, int nIn, int nOut, double zeros) {
        SplittableRandom random = new SplittableRandom(rows * 17 + nIn);
        int wOff = 3;
        float[] params = Kernels.random(random, wOff + nIn * nOut + nOut, 0);
        float[] in = input(random, rows, nIn, zeros);
        float[] dOut = Kernels.random(random, rows * nOut, zeros / 2);
        float[] grad = Kernels.random(random, params.length, 0); // must be added to, not overwritten
        float[] before = grad.clone();
        float[] dIn = new float[rows * nIn];
        java.util.Arrays.fill(dIn, Float.NaN); // must be overwritten
        Dense.backward(mm, dIn, grad, dOut, in, params, wOff, wOff + nIn * nOut, rows, nIn, nOut);
        for (int k = 0; k < nIn; k++) {
            for (int j = 0; j < nOut; j++) {
                double s = before[wOff + k * nOut + j];
                double size = Math.abs(s);
                for (int r = 0; r < rows; r++) {
                    s += (double) in[r * nIn + k] * dOut[r * nOut + j];
                    size += Math.abs((double) in[r * nIn + k] * dOut[r * nOut + j]);
                }
                assertEquals(s, grad[wOff + k * nOut + j], 1e-6 * (1 + size), "dW[" + k + "][" + j + "]");
            }
        }
        for (int j = 0; j < nOut; j++) {
            double s = before[wOff + nIn * nOut + j];
            for (int r = 0; r < rows; r++) {
                s += dOut[r * nOut + j];
            }
            assertEquals(s, grad[wOff + nIn * nOut + j], 1e-6 * (1 + rows), "db[" + j + "]");
        }
        assertEquals(before[0], grad[0], 0, "outside the layer");
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < nIn; k++) {
                double s = 0;
                double size = 0;
                for (int j = 0; j < nOut; j++) {
                    s += (double) dOut[r * nOut + j] * params[wOff + k * nOut + j];
                    size += Math.abs((double) dOut[r * nOut + j] * params[wOff + k * nOut + j]);
                }
                assertEquals(s, dIn[r * nIn + k], 1e-6 * (1 + size), "dIn[" + r + "][" + k + "]");
            }
        }
    }

    /** The first layer has no input delta: {@code dIn == null} leaves the gradient the same. */
    @ParameterizedTest(name = "{0} {1}x{2}->{3} zeros {4}")
    @MethodSource("cases")
    void backwardWithoutInputDeltaGivesTheSameGradient(MatMul mm, int rows, int nIn, int nOut, double zeros) {
        SplittableRandom random = new SplittableRandom(rows + nIn + nOut);
        float[] params = Kernels.random(random, nIn * nOut + nOut, 0);
        float[] in = input(random, rows, nIn, zeros);
        float[] dOut = Kernels.random(random, rows * nOut, 0);
        float[] with = new float[params.length];
        float[] without = new float[params.length];
        Dense.backward(mm, new float[rows * nIn], with, dOut, in, params, 0, nIn * nOut, rows, nIn, nOut);
        Dense.backward(mm, null, without, dOut, in, params, 0, nIn * nOut, rows, nIn, nOut);
        assertArrayEquals(with, without);
    }

    /** A scratch for {@code Wᵀ} that holds another layer's leftovers, or is larger, changes no bit. */
    @ParameterizedTest(name = "{0} {1}x{2}->{3} zeros {4}")
    @MethodSource("cases")
    void backwardWithAReusedScratchGivesTheSameBits(MatMul mm, int rows, int nIn, int nOut, double zeros) {
        SplittableRandom random = new SplittableRandom(rows * 31 + nIn + nOut);
        float[] params = Kernels.random(random, nIn * nOut + nOut, 0);
        float[] in = input(random, rows, nIn, zeros);
        float[] dOut = Kernels.random(random, rows * nOut, 0);
        float[] dInFresh = new float[rows * nIn];
        float[] gradFresh = new float[params.length];
        Dense.backward(mm, dInFresh, gradFresh, dOut, in, params, 0, nIn * nOut, rows, nIn, nOut);
        float[] scratch = Kernels.random(random, nIn * nOut + 7, 0);
        float[] dIn = new float[rows * nIn];
        float[] grad = new float[params.length];
        Dense.backward(mm, dIn, grad, dOut, in, params, 0, nIn * nOut, rows, nIn, nOut, scratch);
        assertArrayEquals(dInFresh, dIn);
        assertArrayEquals(gradFresh, grad);
        for (int k = 0; k < nIn; k++) {
            for (int j = 0; j < nOut; j++) {
                assertEquals(params[k * nOut + j], scratch[j * nIn + k], "the scratch holds Wᵀ: it was used");
            }
        }
    }

    /**
     * The scalar path rounds exactly like the one-row, one-term i-k-j loops it replaced (unfused
     * multiply, then add, terms in ascending order); the vector path like a chain of
     * {@link Math#fma} in ascending order. Equal up to the sign of a zero.
     */
    @ParameterizedTest(name = "{0} {1}x{2}->{3} zeros {4}")
    @MethodSource("cases")
    void eachPathKeepsItsRoundingContract(MatMul mm, int rows, int nIn, int nOut, double zeros) {
        SplittableRandom random = new SplittableRandom(nIn * 7 + nOut);
        float[] params = Kernels.random(random, nIn * nOut + nOut, 0);
        float[] in = input(random, rows, nIn, zeros);
        float[] dOut = Kernels.random(random, rows * nOut, zeros / 2);
        boolean fused = mm.name().equals("vector");
        float[] out = new float[rows * nOut];
        Dense.forward(mm, out, in, params, 0, nIn * nOut, rows, nIn, nOut);
        float[] expected = new float[rows * nOut];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < nOut; j++) {
                float s = params[nIn * nOut + j];
                for (int k = 0; k < nIn; k++) {
                    s = term(fused, in[r * nIn + k], params[k * nOut + j], s);
                }
                expected[r * nOut + j] = s;
            }
        }
        assertBitsEqualUpToZeroSign(expected, out, "out");
        float[] grad = new float[params.length];
        float[] dIn = new float[rows * nIn];
        Dense.backward(mm, dIn, grad, dOut, in, params, 0, nIn * nOut, rows, nIn, nOut);
        float[] dW = new float[nIn * nOut];
        for (int k = 0; k < nIn; k++) {
            for (int j = 0; j < nOut; j++) {
                float s = 0f;
                for (int r = 0; r < rows; r++) {
                    s = term(fused, in[r * nIn + k], dOut[r * nOut + j], s);
                }
                dW[k * nOut + j] = s;
            }
        }
        assertBitsEqualUpToZeroSign(dW, java.util.Arrays.copyOf(grad, nIn * nOut), "dW");
        float[] expectedDIn = new float[rows * nIn];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < nIn; k++) {
                float s = 0f;
                for (int j = 0; j < nOut; j++) {
                    s = term(fused, dOut[r * nOut + j], params[k * nOut + j], s);
                }
                expectedDIn[r * nIn + k] = s;
            }
        }
        assertBitsEqualUpToZeroSign(expectedDIn, dIn, "dIn");
    }

    private static float term(boolean fused, float a, float b, float sum) {
        return fused ? Math.fma(a, b, sum) : sum + a * b;
    }

    private static void assertBitsEqualUpToZeroSign(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i] == 0f ? 0f : expected[i]; // -0 == 0 folds both zeros to +0
            float a = actual[i] == 0f ? 0f : actual[i];
            assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(a), what + "[" + i + "]: " + e + " vs " + a);
        }
    }

    /** Vector and scalar paths agree within float rounding on the shapes of the real network. */
    @Test
    void vectorAgreesWithScalar() {
        MatMul vector = Dense.vectorMatMul().orElseThrow();
        MatMul scalar = Dense.scalarMatMul();
        SplittableRandom random = new SplittableRandom(9);
        int[][] shapes = {{784, 128}, {128, 64}, {64, 10}, {256, 128}};
        for (int[] s : shapes) {
            int rows = 61, nIn = s[0], nOut = s[1];
            float[] params = Kernels.random(random, nIn * nOut + nOut, 0);
            float[] in = nIn == 784 ? Kernels.sparseRows(random, rows, nIn, 0.7) : Kernels.random(random, rows * nIn, 0.5);
            float[] dOut = Kernels.random(random, rows * nOut, 0.3);
            float[][] v = forwardAndBackward(vector, params, in, dOut, rows, nIn, nOut);
            float[][] c = forwardAndBackward(scalar, params, in, dOut, rows, nIn, nOut);
            for (int q = 0; q < v.length; q++) {
                double worst = 0;
                for (int i = 0; i < v[q].length; i++) {
                    worst = Math.max(worst, Math.abs(v[q][i] - c[q][i]) / (1 + Math.abs(c[q][i])));
                }
                assertTrue(worst < 1e-5, nIn + "->" + nOut + " result " + q + " differs by " + worst);
            }
        }
    }

    /** Same call, same bits: no kernel path depends on anything but its arguments. */
    @ParameterizedTest
    @MethodSource("io.sparkdigits.nn.Kernels#all")
    void repeatedCallsAreBitIdentical(MatMul mm) {
        SplittableRandom random = new SplittableRandom(3);
        int rows = 75, nIn = 784, nOut = 128;
        float[] params = Kernels.random(random, nIn * nOut + nOut, 0);
        float[] in = Kernels.sparseRows(random, rows, nIn, 0.75);
        float[] dOut = Kernels.random(random, rows * nOut, 0.2);
        float[][] first = forwardAndBackward(mm, params, in, dOut, rows, nIn, nOut);
        for (int again = 0; again < 3; again++) {
            float[][] next = forwardAndBackward(mm, params, in, dOut, rows, nIn, nOut);
            for (int q = 0; q < first.length; q++) {
                assertArrayEquals(first[q], next[q], "result " + q + " of call " + again);
            }
        }
    }

    /** {out, grad, dIn} of one forward and one backward from a zero gradient. */
    private static float[][] forwardAndBackward(MatMul mm, float[] params, float[] in, float[] dOut,
                                                int rows, int nIn, int nOut) {
        float[] out = new float[rows * nOut];
        Dense.forward(mm, out, in, params, 0, nIn * nOut, rows, nIn, nOut);
        float[] grad = new float[params.length];
        float[] dIn = new float[rows * nIn];
        Dense.backward(mm, dIn, grad, dOut, in, params, 0, nIn * nOut, rows, nIn, nOut);
        return new float[][] {out, grad, dIn};
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
        SoftmaxCrossEntropy.lossAndDelta(p, new short[] {0, 1}, 0, 2, 3, stats);
        assertEquals(-Math.log(0.7) - Math.log(0.3), stats.lossSum(), 1e-6);
        assertEquals(1, stats.correct());
        assertEquals(2, stats.count());
        assertArrayEquals(new float[] {0.7f - 1, 0.2f, 0.1f, 0.1f, 0.3f - 1, 0.6f}, p, 1e-7f);
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        float[] p = {0.5f, 0.5f};
        assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.lossAndDelta(p, new short[] {2}, 0, 1, 2, new BatchStats()));
    }

    @Test
    void rejectsSlicesOutsideTheParametersAndAliasedOutputs() {
        float[] params = new float[10];
        assertThrows(IllegalArgumentException.class,
                () -> Dense.forward(new float[4], new float[4], params, 0, 8, 1, 4, 4));
        float[] x = new float[4];
        float[] p = new float[4 * 4 + 4];
        assertThrows(IllegalArgumentException.class, () -> Dense.forward(x, x, p, 0, 16, 1, 4, 4));
        assertThrows(IllegalArgumentException.class,
                () -> Dense.backward(x, new float[p.length], new float[4], x, p, 0, 16, 1, 4, 4));
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
