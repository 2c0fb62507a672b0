package io.sparkdigits.nn;

/**
 * Softmax fused with cross-entropy. Given logits it produces the class probabilities, the loss and
 * the gradient with respect to the logits, {@code p - y}: the softmax Jacobian never appears. The
 * gradient is a sum over rows; the driver divides by the global batch size.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /** Replaces each row of {@code z} ({@code rows x k}) by its softmax, stably (max subtracted). */
    public static void softmax(float[] z, int rows, int k) {
        for (int r = 0; r < rows; r++) {
            int o = r * k;
            float max = z[o];
            for (int j = 1; j < k; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                float e = (float) StrictMath.exp(z[o + j] - max);
                z[o + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < k; j++) {
                z[o + j] *= inv;
            }
        }
    }

    /**
     * Turns probabilities {@code p} (from {@link #softmax}) into the logit gradient {@code p - y} in
     * place, for labels {@code y[labelOff .. labelOff + rows)}.
     *
     * @param stats receives the summed loss {@code -ln p[y]}, the correct count and the row count
     */
    public static void lossAndDelta(float[] p, short[] y, int labelOff, int rows, int k, BatchStats stats) {
        double loss = 0;
        long correct = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * k;
            int label = y[labelOff + r];
            if (label < 0 || label >= k) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + (k - 1));
            }
            if (argmax(p, o, k) == label) {
                correct++;
            }
            // Clamped so that a confidently wrong row costs a finite loss instead of +inf.
            loss -= StrictMath.log(Math.max(p[o + label], 1e-30f));
            p[o + label] -= 1f;
        }
        stats.add(loss, correct, rows);
    }

    /** Index of the largest of {@code v[off .. off + k)}; the first one wins a tie. */
    public static int argmax(float[] v, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }
}
