package io.sparkdigits.nn;

import java.util.List;

/**
 * Forward and backward passes of a whole network over one chunk of rows, stage by stage: dense
 * layers ({@link Dense}), convolutions ({@link Conv2d}) and max pooling ({@link MaxPool}), the
 * hidden {@link Activation} after every stage with weights but the last, and
 * {@link SoftmaxCrossEntropy} on top. Stateless: the parameters and the scratch {@link Workspace}
 * are passed in, so one instance of nothing serves every thread.
 */
public final class Mlp {
    private Mlp() {
    }

    /**
     * Runs the forward pass of {@code rows} inputs ({@code rows x spec.inputSize()}, row-major) and
     * returns the workspace buffer that holds the class probabilities ({@code rows x classes}).
     */
    public static float[] forward(NetworkSpec spec, float[] params, float[] x, int rows, Workspace ws) {
        return forward(spec, params, x, rows, ws, null);
    }

    /** As {@link #forward} but stops before the softmax: the buffer holds the output layer's logits. */
    public static float[] logits(NetworkSpec spec, float[] params, float[] x, int rows, Workspace ws) {
        return logits(spec, params, x, rows, ws, null);
    }

    /** The forward pass with inverted dropout on the inputs of dense stages, if {@code dropout} is given. */
    static float[] forward(NetworkSpec spec, float[] params, float[] x, int rows, Workspace ws, Dropout.Masks dropout) {
        float[] z = logits(spec, params, x, rows, ws, dropout);
        SoftmaxCrossEntropy.softmax(z, rows, spec.outputSize());
        return z;
    }

    private static float[] logits(NetworkSpec spec, float[] params, float[] x, int rows, Workspace ws,
                                  Dropout.Masks dropout) {
        ws.checkFits(spec, rows);
        List<Stage> stages = spec.stages();
        float[] in = x;
        int l = 0;
        for (int i = 0; i < stages.size(); i++) {
            Stage st = stages.get(i);
            float[] out = ws.activation(i);
            if (dropout != null && dropout.active(i)) {
                in = dropout.apply(i, in, rows * st.inSize());
            }
            if (st instanceof Stage.Dense d) {
                Dense.forward(ws.matMul(), out, in, params, spec.weightOffset(l), spec.biasOffset(l), rows, d.in(), d.out());
            } else if (st instanceof Stage.Conv c) {
                Conv2d.forward(ws.matMul(), c, out, in, params, spec.weightOffset(l), spec.biasOffset(l), rows, ws.cols);
            } else {
                MaxPool.forward((Stage.Pool) st, out, ws.argmax(i), in, rows);
            }
            if (st.weights() > 0) {
                l++;
                if (i < stages.size() - 1) {
                    spec.hidden().forward(out, rows * st.outSize());
                }
            }
            in = out;
        }
        return in;
    }

    /**
     * Adds the cross-entropy gradient, summed over the rows, to {@code grad} (laid out like
     * {@code params}) and the rows' loss and accuracy to {@code stats}.
     *
     * @param y      labels, read from {@code y[yOff .. yOff + rows)}
     */
    public static void accumulateGradient(NetworkSpec spec, float[] params, float[] x, short[] y, int yOff,
                                          int rows, float[] grad, Workspace ws, BatchStats stats) {
        accumulateGradient(spec, params, x, y, yOff, rows, grad, ws, stats, null);
    }

    /** As above, training with dropout when {@code dropout} is not null. */
    public static void accumulateGradient(NetworkSpec spec, float[] params, float[] x, short[] y, int yOff,
                                          int rows, float[] grad, Workspace ws, BatchStats stats,
                                          Dropout.Masks dropout) {
        float[] delta = forward(spec, params, x, rows, ws, dropout);
        SoftmaxCrossEntropy.lossAndDelta(delta, y, yOff, rows, spec.outputSize(), stats);
        List<Stage> stages = spec.stages();
        int l = spec.layers() - 1;
        for (int i = stages.size() - 1; i >= 0; i--) {
            Stage st = stages.get(i);
            boolean dropped = dropout != null && dropout.active(i);
            float[] in = i == 0 ? x : ws.activation(i - 1);
            float[] seen = dropped ? dropout.applied(i) : in;
            float[] dIn = i == 0 ? null : ws.spareDelta(delta);
            if (st instanceof Stage.Dense d) {
                Dense.backward(ws.matMul(), dIn, grad, delta, seen, params, spec.weightOffset(l), spec.biasOffset(l),
                        rows, d.in(), d.out(), ws.transposed());
                l--;
            } else if (st instanceof Stage.Conv c) {
                Conv2d.backward(ws.matMul(), c, dIn, grad, delta, seen, params, spec.weightOffset(l), spec.biasOffset(l),
                        rows, ws.cols);
                l--;
            } else if (dIn != null) {
                MaxPool.backward((Stage.Pool) st, dIn, delta, ws.argmax(i), rows);
            }
            if (dIn == null) {
                continue;
            }
            if (dropped) {
                dropout.backward(i, dIn, rows * st.inSize());
            }
            // The input of stage i is the output of stage i - 1, activated if that stage has weights.
            if (stages.get(i - 1).weights() > 0) {
                spec.hidden().backward(dIn, in, rows * st.inSize());
            }
            delta = dIn;
        }
    }

    /**
     * Scratch buffers for up to {@code capacity} rows: one activation buffer per stage, two delta
     * buffers used alternately, one image's patch matrix for the convolutions, the winners of
     * every pooling and the transposed weights of a dense layer's backward pass. The output stage's activation buffer doubles as the first delta. Also names
     * the {@link MatMul} kernels the passes run on, by default {@link Dense#matMul()}.
     */
    public static final class Workspace {
        private final MatMul matMul;
        private final int capacity;
        private final NetworkSpec spec;
        private final float[][] activations;
        private final int[][] argmax;
        private final float[] deltaA;
        private final float[] deltaB;
        final float[] cols;
        private final int transposedSize;
        private float[] transposed;

        public Workspace(NetworkSpec spec, int capacity) {
            this(spec, capacity, Dense.matMul());
        }

        public Workspace(NetworkSpec spec, int capacity, MatMul matMul) {
            this.matMul = matMul;
            this.capacity = capacity;
            this.spec = spec;
            List<Stage> stages = spec.stages();
            this.activations = new float[stages.size()][];
            this.argmax = new int[stages.size()][];
            int colsSize = 0;
            int weightsSize = 0;
            for (int i = 0; i < stages.size(); i++) {
                Stage st = stages.get(i);
                activations[i] = new float[capacity * st.outSize()];
                if (st instanceof Stage.Dense d && i > 0) { // the first stage's backward has no input delta
                    weightsSize = Math.max(weightsSize, d.in() * d.out());
                }
                if (st instanceof Stage.Pool) {
                    argmax[i] = new int[capacity * st.outSize()];
                } else if (st instanceof Stage.Conv c) {
                    colsSize = Math.max(colsSize, Conv2d.colsSize(c));
                }
            }
            this.deltaA = new float[capacity * spec.maxWidth()];
            this.deltaB = new float[capacity * spec.maxWidth()];
            this.cols = new float[colsSize];
            this.transposedSize = weightsSize;
        }

        public int capacity() {
            return capacity;
        }

        public MatMul matMul() {
            return matMul;
        }

        float[] activation(int stage) {
            return activations[stage];
        }

        int[] argmax(int stage) {
            return argmax[stage];
        }

        /** The scratch of a dense backward pass's {@code Wᵀ}, made on first use: scoring never needs it. */
        float[] transposed() {
            if (transposed == null) {
                transposed = new float[transposedSize];
            }
            return transposed;
        }

        /** A delta buffer that is not {@code current}. */
        float[] spareDelta(float[] current) {
            return current == deltaA ? deltaB : deltaA;
        }

        void checkFits(NetworkSpec network, int rows) {
            if (rows > capacity || !spec.equals(network)) {
                throw new IllegalArgumentException(
                        "workspace for " + capacity + " rows of " + spec + " cannot hold " + rows + " rows of " + network);
            }
        }
    }
}
