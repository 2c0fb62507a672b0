package io.sparkdigits.nn;

import java.io.Serializable;

/**
 * Per-feature standardisation of tabular inputs, {@code (x - mean) / std}, as the trainer feeds
 * them to a network whose first stage is dense. Features of a table come in any units (a ratio
 * near 0.1 beside a count near 1,000); one scale for all, as for pixels, leaves the small ones
 * out of reach of the first layer's weights.
 *
 * <p>The saved model takes raw values: {@link #fold} moves the standardisation into the first
 * layer's weights and biases, so scoring, the spark.ml stage and the ONNX export see an ordinary
 * network.
 */
public final class InputNorm implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float[] mean;
    private final float[] invStd;

    private InputNorm(float[] mean, float[] invStd) {
        this.mean = mean;
        this.invStd = invStd;
    }

    /**
     * From per-feature sums of {@code rows} rows. A feature without spread keeps its scale (its
     * values all become 0), as scikit-learn's {@code StandardScaler} does.
     */
    public static InputNorm of(double[] sum, double[] sumSq, long rows) {
        if (rows < 1 || sum.length != sumSq.length) {
            throw new IllegalArgumentException("standardising needs rows and one sum per feature");
        }
        float[] mean = new float[sum.length];
        float[] invStd = new float[sum.length];
        for (int c = 0; c < sum.length; c++) {
            double m = sum[c] / rows;
            double var = Math.max(0, sumSq[c] / rows - m * m);
            double std = Math.sqrt(var);
            mean[c] = (float) m;
            invStd[c] = std > 1e-12 * Math.max(1, Math.abs(m)) ? (float) (1 / std) : 1f;
        }
        return new InputNorm(mean, invStd);
    }

    public int features() {
        return mean.length;
    }

    /** Standardises {@code rows} rows of {@code x}, row-major, in place. */
    public void apply(float[] x, int rows) {
        int cols = mean.length;
        for (int r = 0; r < rows; r++) {
            int at = r * cols;
            for (int c = 0; c < cols; c++) {
                x[at + c] = (x[at + c] - mean[c]) * invStd[c];
            }
        }
    }

    /**
     * The parameters of the network that gives on raw inputs what {@code params} gives on
     * standardised ones: the first layer's weights {@code W[i][o]} become {@code W[i][o] / std[i]}
     * and its biases {@code b[o]} become {@code b[o] - sum_i mean[i] W[i][o] / std[i]}.
     */
    public float[] fold(NetworkSpec spec, float[] params) {
        if (!(spec.stages().get(0) instanceof Stage.Dense d) || d.in() != mean.length) {
            throw new IllegalArgumentException("standardised inputs fold into a first dense layer of "
                    + mean.length + " inputs, not into " + spec);
        }
        float[] out = params.clone();
        int w = spec.weightOffset(0);
        int b = spec.biasOffset(0);
        int nOut = d.out();
        double[] shift = new double[nOut];
        for (int i = 0; i < mean.length; i++) {
            for (int o = 0; o < nOut; o++) {
                double scaled = (double) params[w + i * nOut + o] * invStd[i];
                out[w + i * nOut + o] = (float) scaled;
                shift[o] += scaled * mean[i];
            }
        }
        for (int o = 0; o < nOut; o++) {
            out[b + o] = (float) (params[b + o] - shift[o]);
        }
        return out;
    }
}
