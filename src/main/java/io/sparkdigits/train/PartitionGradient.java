package io.sparkdigits.train;

import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.Mlp;
import io.sparkdigits.nn.NetworkSpec;
import java.io.Serializable;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What an executor does for one partition in one step: take this step's slice of the partition's
 * epoch order, run forward and backward over it in chunks, and return the summed gradient. The
 * same code runs under Spark and in the single-JVM trainer, which is what makes the two agree bit
 * for bit.
 */
public final class PartitionGradient implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per forward/backward call: bounds scratch memory whatever the batch size. */
    static final int CHUNK = 256;

    private final NetworkSpec spec;
    private final BatchPlan plan;
    private final RowSplit split;
    private final float scale;

    public PartitionGradient(NetworkSpec spec, BatchPlan plan, RowSplit split, float scale) {
        this.spec = spec;
        this.plan = plan;
        this.split = split;
        this.scale = scale;
    }

    /** The gradient sum of partition {@code partition} (of {@code partitions}) for one step. */
    public GradientSum compute(int partition, int partitions, Shard shard, float[] params, int epoch, int step) {
        int[] order = epochOrder(partition, shard, epoch);
        int from = plan.sliceStart(order.length, step);
        int to = plan.sliceEnd(order.length, step);
        Scratch s = Scratch.get(spec);
        // A fresh array, not scratch: the sum travels to the driver while this thread runs on.
        float[] grad = new float[spec.numParams()];
        BatchStats stats = new BatchStats();
        for (int at = from; at < to; at += CHUNK) {
            int end = Math.min(to, at + CHUNK);
            shard.gather(order, at, end, scale, s.x, s.y);
            Mlp.accumulateGradient(spec, params, s.x, s.y, 0, end - at, grad, s.workspace, stats);
        }
        return GradientSum.leaf(partition, partitions, grad, stats.lossSum(), stats.correct(), stats.count());
    }

    /**
     * This partition's training rows in this epoch's order. Cached per shard, since every step of
     * an epoch needs the same order and a shard object lives for the whole run on its executor.
     */
    private int[] epochOrder(int partition, Shard shard, int epoch) {
        synchronized (ORDERS) {
            Cached c = ORDERS.get(shard);
            if (c == null || c.epoch != epoch || c.plan != plan.seed() || !c.split.equals(split)) {
                int[] rows = split.trainRows(shard.rows(), partition);
                c = new Cached(epoch, plan.seed(), split, plan.epochOrder(rows, epoch, partition));
                ORDERS.put(shard, c);
            }
            return c.order;
        }
    }

    private record Cached(int epoch, long plan, RowSplit split, int[] order) {
    }

    private static final Map<Shard, Cached> ORDERS = new WeakHashMap<>();

    /** Per-thread buffers: executors run one task per thread, so a step allocates nothing. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();
        final NetworkSpec spec;
        final float[] x;
        final byte[] y = new byte[CHUNK];
        final Mlp.Workspace workspace;

        private Scratch(NetworkSpec spec) {
            this.spec = spec;
            this.x = new float[CHUNK * spec.inputSize()];
            this.workspace = new Mlp.Workspace(spec, CHUNK);
        }

        static Scratch get(NetworkSpec spec) {
            Scratch s = LOCAL.get();
            if (s == null || !s.spec.equals(spec)) {
                s = new Scratch(spec);
                LOCAL.set(s);
            }
            return s;
        }
    }
}
