package io.sparkdigits.nn;

import java.util.List;

/**
 * A deliberately naive double-precision network used as the reference in tests: straight loops,
 * convolution as the textbook sum over the kernel window (no lowering), no skipping of zeros, no
 * shared buffers, activations computed from their textbook formulas.
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
        return logits(spec, params, x, null);
    }

    /** Logits of one row, the input of stage {@code i} multiplied by {@code keep[i]} where given. */
    static double[] logits(NetworkSpec spec, double[] params, double[] x, float[][] keep) {
        double[] in = x;
        List<Stage> stages = spec.stages();
        int l = 0;
        for (int i = 0; i < stages.size(); i++) {
            Stage st = stages.get(i);
            if (keep != null && keep[i] != null) {
                for (int k = 0; k < in.length; k++) {
                    in[k] *= keep[i][k];
                }
            }
            double[] out;
            if (st instanceof Stage.Dense d) {
                out = dense(d, params, spec.weightOffset(l), spec.biasOffset(l), in);
            } else if (st instanceof Stage.Conv c) {
                out = conv(c, params, spec.weightOffset(l), spec.biasOffset(l), in);
            } else {
                out = pool((Stage.Pool) st, in);
            }
            if (st.weights() > 0) {
                l++;
                if (i < stages.size() - 1) {
                    for (int k = 0; k < out.length; k++) {
                        out[k] = act(spec.hidden(), out[k]);
                    }
                }
            }
            in = out;
        }
        return in;
    }

    static double[] dense(Stage.Dense d, double[] params, int w, int b, double[] in) {
        double[] out = new double[d.out()];
        for (int j = 0; j < d.out(); j++) {
            double s = params[b + j];
            for (int k = 0; k < d.in(); k++) {
                s += in[k] * params[w + k * d.out() + j];
            }
            out[j] = s;
        }
        return out;
    }

    /** out[oy][ox][f] = b[f] + Σ in[oy·s + ky - top][ox·s + kx - left][c] · W[ky][kx][c][f]. */
    static double[] conv(Stage.Conv cv, double[] params, int w, int b, double[] in) {
        Stage.Shape s = cv.in();
        Stage.Shape o = cv.out();
        double[] out = new double[o.size()];
        for (int oy = 0; oy < o.h(); oy++) {
            for (int ox = 0; ox < o.w(); ox++) {
                for (int f = 0; f < cv.filters(); f++) {
                    double sum = params[b + f];
                    for (int ky = 0; ky < cv.kh(); ky++) {
                        for (int kx = 0; kx < cv.kw(); kx++) {
                            int iy = oy * cv.stride() + ky - cv.padTop();
                            int ix = ox * cv.stride() + kx - cv.padLeft();
                            if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) {
                                continue;
                            }
                            for (int c = 0; c < s.c(); c++) {
                                int wi = ((ky * cv.kw() + kx) * s.c() + c) * cv.filters() + f;
                                sum += in[(iy * s.w() + ix) * s.c() + c] * params[w + wi];
                            }
                        }
                    }
                    out[(oy * o.w() + ox) * cv.filters() + f] = sum;
                }
            }
        }
        return out;
    }

    static double[] pool(Stage.Pool p, double[] in) {
        Stage.Shape s = p.in();
        Stage.Shape o = p.out();
        double[] out = new double[o.size()];
        for (int oy = 0; oy < o.h(); oy++) {
            for (int ox = 0; ox < o.w(); ox++) {
                for (int c = 0; c < s.c(); c++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < p.size(); dy++) {
                        for (int dx = 0; dx < p.size(); dx++) {
                            max = Math.max(max, in[((oy * p.size() + dy) * s.w() + ox * p.size() + dx) * s.c() + c]);
                        }
                    }
                    out[(oy * o.w() + ox) * s.c() + c] = max;
                }
            }
        }
        return out;
    }

    /** Summed cross-entropy loss of softmax(logits) over rows. */
    static double loss(NetworkSpec spec, double[] params, float[] x, short[] y, int rows) {
        return loss(spec, params, x, y, rows, null);
    }

    /** As above with dropout: {@code keep[r][i]} multiplies the input of stage {@code i} of row {@code r}. */
    static double loss(NetworkSpec spec, double[] params, float[] x, short[] y, int rows, float[][][] keep) {
        double total = 0;
        int n = spec.inputSize();
        for (int r = 0; r < rows; r++) {
            double[] row = new double[n];
            for (int k = 0; k < n; k++) {
                row[k] = x[r * n + k];
            }
            double[] z = logits(spec, params, row, keep == null ? null : keep[r]);
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
