package io.sparkdigits.optim;

import java.util.SplittableRandom;

/** Deterministic inputs shared by the optimizer tests. */
final class Fixtures {
    /** Seven parameters: weights at 0-2 and 4-5, biases at 3 and 6. */
    static final WeightMask MASK = WeightMask.of(7, 0, 3, 4, 6);
    static final int[] BIASES = {3, 6};
    /** A different learning rate each step, as a schedule would give. */
    static final float[] LRS = {0.1f, 0.08f, 0.05f, 0.05f, 0.03f, 0.02f};

    private Fixtures() {
    }

    static float[] randomArray(long seed, int n, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-scale, scale);
        }
        return a;
    }

    /** The gradient fed at {@code step}, independent of the parameters. */
    static float[] grad(int step, int n) {
        return randomArray(1000 + step, n, 1.0);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static boolean isBias(int i) {
        for (int b : BIASES) {
            if (b == i) {
                return true;
            }
        }
        return false;
    }
}
