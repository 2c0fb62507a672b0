package io.sparkdigits.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test helpers: every kernel path this JVM has, and inputs shaped like MNIST's. */
final class Kernels {
    private Kernels() {
    }

    /** Scalar, and vector when the module is present (always under Surefire, see KernelDispatchTest). */
    static List<MatMul> all() {
        List<MatMul> all = new ArrayList<>();
        all.add(Dense.scalarMatMul());
        Dense.vectorMatMul().ifPresent(all::add);
        return all;
    }

    /** Uniform in (-1, 1), with a fraction {@code zeros} of exact zeros. */
    static float[] random(SplittableRandom random, int n, double zeros) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextDouble() < zeros ? 0f : (float) random.nextDouble(-1, 1);
        }
        return a;
    }

    /**
     * {@code rows x width} with the zeros of images: some columns zero in every row (the border),
     * the rest zero with probability {@code zeros}, so blocks of rows share zeros as they do in MNIST.
     */
    static float[] sparseRows(SplittableRandom random, int rows, int width, double zeros) {
        boolean[] border = new boolean[width];
        for (int k = 0; k < width; k++) {
            border[k] = random.nextInt(3) == 0;
        }
        float[] a = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < width; k++) {
                boolean zero = border[k] || random.nextDouble() < zeros;
                a[r * width + k] = zero ? 0f : (float) random.nextDouble(0, 1);
            }
        }
        return a;
    }
}
