package io.sparkdigits.nn;

/**
 * A deliberately naive double-precision network used as the reference in tests: straight loops,
 * no skipping of zeros, no shared buffers, activations computed from their textbook formulas.
 */
final class ReferenceNet {
    private ReferenceNet() {
    }

    static double act(Activation a, double z) {
        return switch (a) {
            case RELU -> Math.max(0, z);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TANH -> Math.tanh(z);
        };
    }

    /** Logits of one row. */
    static double[] logits(NetworkSpec spec, double[] params, double[] x) {
        double[] in = x;
        for (int l = 0; l < spec.layers(); l++) {
            int nIn = spec.size(l);
            int nOut = spec.size(l + 1);
            double[] out = new double[nOut];
            for (int j = 0; j < nOut; j++) {
                double s = params[spec.biasOffset(l) + j];
                for (int k = 0; k < nIn; k++) {
                    s += in[k] * params[spec.weightOffset(l) + k * nOut + j];
                }
                out[j] = l < spec.layers() - 1 ? act(spec.hidden(), s) : s;
            }
            in = out;
        }
        return in;
    }

    /** Summed cross-entropy loss of softmax(logits) over rows. */
    static double loss(NetworkSpec spec, double[] params, float[] x, byte[] y, int rows) {
        double total = 0;
        int n = spec.inputSize();
        for (int r = 0; r < rows; r++) {
            double[] row = new double[n];
            for (int k = 0; k < n; k++) {
                row[k] = x[r * n + k];
            }
            double[] z = logits(spec, params, row);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            total -= z[y[r]] - max - Math.log(sum);
        }
        return total;
    }
}
