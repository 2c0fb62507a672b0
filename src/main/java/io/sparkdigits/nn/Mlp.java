package io.sparkdigits.nn;

/**
 * Forward and backward passes of a whole network over one chunk of rows, composed from
 * {@link Dense}, {@link Activation} and {@link SoftmaxCrossEntropy}. Stateless: the parameters and
 * the scratch {@link Workspace} are passed in, so one instance of nothing serves every thread.
 */
public final class Mlp {
    private Mlp() {
    }

    /**
     * Runs the forward pass of {@code rows} inputs ({@code rows x spec.inputSize()}, row-major) and
     * returns the workspace buffer that holds the class probabilities ({@code rows x classes}).
     */
    public static float[] forward(NetworkSpec spec, float[] params, float[] x, int rows, Workspace ws) {
        float[] z = logits(spec, params, x, rows, ws);
        SoftmaxCrossEntropy.softmax(z, rows, spec.outputSize());
        return z;
    }

    /** As {@link #forward} but stops before the softmax: the buffer holds the output layer's logits. */
    public static float[] logits(NetworkSpec spec, float[] params, float[] x, int rows, Workspace ws) {
        ws.checkFits(spec, rows);
        float[] in = x;
        int last = spec.layers() - 1;
        for (int l = 0; l <= last; l++) {
            int nIn = spec.size(l);
            int nOut = spec.size(l + 1);
            float[] out = ws.activation(l);
            Dense.forward(ws.matMul(), out, in, params, spec.weightOffset(l), spec.biasOffset(l), rows, nIn, nOut);
            if (l < last) {
                spec.hidden().forward(out, rows * nOut);
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
    public static void accumulateGradient(NetworkSpec spec, float[] params, float[] x, byte[] y, int yOff,
                                          int rows, float[] grad, Workspace ws, BatchStats stats) {
        float[] delta = forward(spec, params, x, rows, ws);
        SoftmaxCrossEntropy.lossAndDelta(delta, y, yOff, rows, spec.outputSize(), stats);
        for (int l = spec.layers() - 1; l >= 0; l--) {
            int nIn = spec.size(l);
            int nOut = spec.size(l + 1);
            float[] in = l == 0 ? x : ws.activation(l - 1);
            float[] dIn = l == 0 ? null : ws.spareDelta(delta);
            Dense.backward(ws.matMul(), dIn, grad, delta, in, params, spec.weightOffset(l), spec.biasOffset(l), rows, nIn, nOut);
            if (l > 0) {
                spec.hidden().backward(dIn, in, rows * nIn);
                delta = dIn;
            }
        }
    }

    /**
     * Scratch buffers for up to {@code capacity} rows: one activation buffer per layer and two
     * delta buffers used alternately. The output layer's activation buffer doubles as the first
     * delta. Also names the {@link MatMul} kernels the passes run on, by default {@link Dense#matMul()}.
     */
    public static final class Workspace {
        private final MatMul matMul;
        private final int capacity;
        private final float[][] activations;
        private final float[] deltaA;
        private final float[] deltaB;

        public Workspace(NetworkSpec spec, int capacity) {
            this(spec, capacity, Dense.matMul());
        }

        public Workspace(NetworkSpec spec, int capacity, MatMul matMul) {
            this.matMul = matMul;
            this.capacity = capacity;
            this.activations = new float[spec.layers()][];
            for (int l = 0; l < spec.layers(); l++) {
                activations[l] = new float[capacity * spec.size(l + 1)];
            }
            this.deltaA = new float[capacity * spec.maxWidth()];
            this.deltaB = new float[capacity * spec.maxWidth()];
        }

        public int capacity() {
            return capacity;
        }

        public MatMul matMul() {
            return matMul;
        }

        float[] activation(int layer) {
            return activations[layer];
        }

        /** A delta buffer that is not {@code current}. */
        float[] spareDelta(float[] current) {
            return current == deltaA ? deltaB : deltaA;
        }

        void checkFits(NetworkSpec spec, int rows) {
            if (rows > capacity || activations.length != spec.layers()) {
                throw new IllegalArgumentException(
                        "workspace for " + capacity + " rows cannot hold " + rows + " rows of " + spec);
            }
            for (int l = 0; l < spec.layers(); l++) {
                if (activations[l].length < capacity * spec.size(l + 1)) {
                    throw new IllegalArgumentException("workspace was made for another network than " + spec);
                }
            }
        }
    }
}
