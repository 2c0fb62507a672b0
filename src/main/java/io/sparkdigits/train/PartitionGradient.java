package io.sparkdigits.train;

import io.sparkdigits.data.Augment;
import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.Dropout;
import io.sparkdigits.nn.InputNorm;
import io.sparkdigits.nn.Mlp;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
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
    private final InputNorm norm;
    private final Regularization regularization;

    /**
     * What training adds to the plain gradient: distorted images and dropout, both drawn per row
     * from seeds derived from {@code seed}; either may be null. {@code image} is the input shape
     * the augmentation distorts.
     */
    public record Regularization(long seed, Augment augment, Stage.Shape image, Dropout dropout) implements Serializable {
        public static final Regularization NONE = new Regularization(0, null, null, null);

        boolean any() {
            return augment != null || dropout != null;
        }
    }

    public PartitionGradient(NetworkSpec spec, BatchPlan plan, RowSplit split, float scale) {
        this(spec, plan, split, scale, Regularization.NONE);
    }

    public PartitionGradient(NetworkSpec spec, BatchPlan plan, RowSplit split, float scale, Regularization regularization) {
        this(spec, plan, split, scale, null, regularization);
    }

    /** {@code norm}, if not null, standardises the scaled rows before anything else sees them. */
    public PartitionGradient(NetworkSpec spec, BatchPlan plan, RowSplit split, float scale, InputNorm norm,
                             Regularization regularization) {
        this.spec = spec;
        this.plan = plan;
        this.split = split;
        this.scale = scale;
        this.norm = norm;
        this.regularization = regularization;
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
            if (norm != null) {
                norm.apply(s.x, end - at);
            }
            Dropout.Masks masks = regularize(s, order, at, end, partition, epoch, step);
            Mlp.accumulateGradient(spec, params, s.x, s.y, 0, end - at, grad, s.workspace, stats, masks);
        }
        return GradientSum.leaf(partition, partitions, grad, stats.lossSum(), stats.correct(), stats.count());
    }

    /**
     * Distorts the gathered rows {@code order[at .. end)} and draws their dropout masks, each row
     * from its own seed: (seed, epoch, partition, row) for the image, with the step for the masks.
     */
    private Dropout.Masks regularize(Scratch s, int[] order, int at, int end, int partition, int epoch, int step) {
        Regularization reg = regularization;
        if (!reg.any()) {
            return null;
        }
        long[] seeds = s.seeds;
        if (reg.augment() != null) {
            for (int i = at; i < end; i++) {
                seeds[i - at] = RowSeeds.of(reg.seed(), RowSeeds.AUGMENT, epoch, partition, order[i]);
            }
            reg.augment().apply(s.x, end - at, seeds, s.augmentScratch(reg));
        }
        if (reg.dropout() == null) {
            return null;
        }
        for (int i = at; i < end; i++) {
            seeds[i - at] = RowSeeds.of(reg.seed(), RowSeeds.DROPOUT, epoch, step, partition, order[i]);
        }
        return s.masks(reg, spec).draw(seeds, end - at);
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
        final short[] y = new short[CHUNK];
        final long[] seeds = new long[CHUNK];
        final Mlp.Workspace workspace;
        private Augment.Scratch augment;
        private Dropout.Masks masks;
        private Regularization regularization;

        private Scratch(NetworkSpec spec) {
            this.spec = spec;
            this.x = new float[CHUNK * spec.inputSize()];
            this.workspace = new Mlp.Workspace(spec, CHUNK);
        }

        /** Buffers for {@code reg}, kept while tasks of the same run come to this thread. */
        private void prepare(Regularization reg, NetworkSpec network) {
            if (!reg.equals(regularization)) {
                Stage.Shape im = reg.image();
                augment = reg.augment() != null ? reg.augment().scratch(im.h(), im.w(), im.c()) : null;
                masks = reg.dropout() != null ? reg.dropout().masks(network, CHUNK) : null;
                regularization = reg;
            }
        }

        Augment.Scratch augmentScratch(Regularization reg) {
            prepare(reg, spec);
            return augment;
        }

        Dropout.Masks masks(Regularization reg, NetworkSpec network) {
            prepare(reg, network);
            return masks;
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
