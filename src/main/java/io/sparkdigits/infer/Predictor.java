package io.sparkdigits.infer;

import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.Mlp;
import io.sparkdigits.nn.NetworkSpec;
import java.io.Serializable;

/**
 * Class probabilities from a trained network, a chunk of rows at a time: the one forward-only
 * path behind {@code predict}, {@code evaluate}, training's evaluation and the {@code spark.ml}
 * model. Holds its scratch buffers, so one instance serves one thread; it is serialisable so Spark
 * ships it to tasks, and the buffers are made again on arrival.
 */
public final class Predictor implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per forward call. */
    public static final int CHUNK = 256;

    private final NetworkSpec spec;
    private final float[] params;
    private final float scale;
    private transient float[] x;
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

    /** The weights scored with; shared, not copied. */
    public float[] params() {
        return params;
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
     * Probabilities ({@code (to - from) x classes}) of the rows {@code order[from .. to)} of
     * {@code shard} (rows {@code from .. to} if {@code order} is null), at most {@link #CHUNK};
     * their labels go to {@code labels}.
     */
    public float[] probabilities(Shard shard, int[] order, int from, int to, short[] labels) {
        ensureBuffers();
        shard.gather(order, from, to, scale, x, labels);
        return probabilities(to - from);
    }

    private void ensureBuffers() {
        if (x == null) {
            x = new float[CHUNK * spec.inputSize()];
            workspace = new Mlp.Workspace(spec, CHUNK);
        }
    }
}
