package io.sparkdigits.score;

import io.sparkdigits.data.Shard;
import io.sparkdigits.eval.ConfusionMatrix;
import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.Mlp;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import java.io.Serializable;

/**
 * Class probabilities from a trained network, a chunk of rows at a time. Holds its scratch
 * buffers, so one instance serves one thread; it is serialisable so Spark ships it to tasks, and
 * the buffers are made again on arrival.
 */
public final class Predictor implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per forward call. */
    public static final int CHUNK = 256;

    private final NetworkSpec spec;
    private final float[] params;
    private final float scale;
    private transient float[] x;
    private transient byte[] y;
    private transient Mlp.Workspace workspace;

    public Predictor(NetworkSpec spec, float[] params, float scale) {
        this.spec = spec;
        this.params = params;
        this.scale = scale;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public float scale() {
        return scale;
    }

    /** A buffer of {@code CHUNK x inputs} for callers that fill rows themselves (already scaled). */
    public float[] inputBuffer() {
        ensureBuffers();
        return x;
    }

    /** Probabilities ({@code rows x classes}) of the first {@code rows} rows of {@link #inputBuffer()}. */
    public float[] probabilities(int rows) {
        ensureBuffers();
        return Mlp.forward(spec, params, x, rows, workspace);
    }

    /** Logits ({@code rows x classes}, before the softmax) of the first {@code rows} rows of {@link #inputBuffer()}. */
    public float[] logits(int rows) {
        ensureBuffers();
        return Mlp.logits(spec, params, x, rows, workspace);
    }

    /**
     * Adds the rows {@code rows} of {@code shard} (all rows if null) to a confusion matrix and
     * their summed cross-entropy to {@code stats}.
     */
    public void evaluate(Shard shard, int[] rows, ConfusionMatrix cm, BatchStats stats) {
        ensureBuffers();
        int n = rows == null ? shard.rows() : rows.length;
        int k = spec.outputSize();
        for (int at = 0; at < n; at += CHUNK) {
            int end = Math.min(n, at + CHUNK);
            shard.gather(rows, at, end, scale, x, y);
            float[] p = probabilities(end - at);
            for (int r = 0; r < end - at; r++) {
                cm.add(y[r], SoftmaxCrossEntropy.argmax(p, r * k, k));
            }
            SoftmaxCrossEntropy.lossAndDelta(p, y, 0, end - at, k, stats);
        }
    }

    private void ensureBuffers() {
        if (x == null) {
            x = new float[CHUNK * spec.inputSize()];
            y = new byte[CHUNK];
            workspace = new Mlp.Workspace(spec, CHUNK);
        }
    }
}
