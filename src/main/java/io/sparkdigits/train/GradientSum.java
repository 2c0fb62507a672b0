package io.sparkdigits.train;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The summed gradient, loss and accuracy counts of one step over some partitions, combined in a
 * fixed order.
 *
 * <p>Spark combines partial results in whatever order tasks finish and shuffle blocks arrive, and
 * float addition is not associative, so naive sums would make the model depend on timing. Here the
 * partials are the leaves of a fixed binary tree over partition indices: node {@code (level, i)}
 * covers partitions {@code [i 2^level, (i + 1) 2^level)}, and a node is only ever formed as
 * {@code left + right} of its two children once both are complete. Whatever order Spark merges in,
 * every addition is the same, so the total is bit-identical on any master, after any re-run task,
 * and equal to {@link LocalGradients}' (which merges the same leaves). Pairwise summation is also
 * the more accurate order.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 3L;

    /** Complete nodes not yet combined, by {@code level << 32 | index}; few at any time. */
    private final TreeMap<Long, Node> nodes = new TreeMap<>();
    private int partitions;

    /** The zero value: no partitions yet. */
    public GradientSum() {
    }

    /** The partial of partition {@code partition} of {@code partitions}; takes ownership of {@code gradSum}. */
    public static GradientSum leaf(int partition, int partitions, float[] gradSum, double lossSum, long correct, long count) {
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " of " + partitions);
        }
        checkFinite(gradSum, lossSum);
        GradientSum s = new GradientSum();
        s.partitions = partitions;
        s.nodes.put(key(0, partition), new Node(gradSum, lossSum, correct, count));
        s.collapse();
        return s;
    }

    /**
     * The leaf of a partition that holds no shard (the loader gives every partition one, empty if
     * the data has fewer chunks than partitions, but an RDD of shards from elsewhere may not):
     * zeros, which still take their place in the fixed tree, as an empty shard's sum would.
     */
    public static GradientSum empty(int partition, int partitions, int params) {
        return leaf(partition, partitions, new float[params], 0, 0, 0);
    }

    private static void checkFinite(float[] grad, double loss) {
        if (!Double.isFinite(loss)) {
            throw new DivergedException("training diverged: the loss is " + loss + " (lower the learning rate)");
        }
        for (float g : grad) {
            if (!Float.isFinite(g)) {
                throw new DivergedException("training diverged: a gradient is " + g + " (lower the learning rate)");
            }
        }
    }

    /** Adds {@code other}'s partitions into this sum and returns this (Spark's combine function). */
    public GradientSum merge(GradientSum other) {
        if (other.partitions == 0) {
            return this;
        }
        if (partitions != 0 && partitions != other.partitions) {
            throw new IllegalStateException("partials of " + partitions + " and " + other.partitions + " partitions");
        }
        partitions = other.partitions;
        for (Map.Entry<Long, Node> e : other.nodes.entrySet()) {
            if (nodes.putIfAbsent(e.getKey(), e.getValue()) != null) {
                throw new IllegalStateException("partition range " + e.getKey() + " counted twice");
            }
        }
        collapse();
        return this;
    }

    /** Combines every node whose sibling is complete (or empty), lowest level first, until none is left to combine. */
    private void collapse() {
        int top = rootLevel();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<Long, Node> e : nodes.entrySet()) {
                int level = (int) (e.getKey() >>> 32);
                int index = (int) (long) e.getKey();
                if (level == top) {
                    continue;
                }
                int sibling = index ^ 1;
                boolean siblingEmpty = ((long) sibling << level) >= partitions;
                Node other = siblingEmpty ? null : nodes.get(key(level, sibling));
                if (!siblingEmpty && other == null) {
                    continue;
                }
                Node left = (index & 1) == 0 ? e.getValue() : other;
                Node right = (index & 1) == 0 ? other : e.getValue();
                nodes.remove(key(level, index));
                nodes.remove(key(level, sibling));
                nodes.put(key(level + 1, index >> 1), right == null ? left : left.plus(right));
                changed = true;
                break;
            }
        }
    }

    private int rootLevel() {
        int level = 0;
        while ((1L << level) < partitions) {
            level++;
        }
        return level;
    }

    private static long key(int level, int index) {
        return ((long) level << 32) | (index & 0xFFFFFFFFL);
    }

    private Node root() {
        Node root = nodes.get(key(rootLevel(), 0));
        if (root == null || nodes.size() != 1) {
            throw new IllegalStateException("gradient of " + partitions + " partitions is incomplete: " + nodes.keySet());
        }
        return root;
    }

    /** The mean gradient over all rows counted, into {@code out}; zero if no rows. */
    public void meanInto(float[] out) {
        Node r = partitions == 0 ? null : root();
        if (r == null || r.count == 0) {
            java.util.Arrays.fill(out, 0f);
            return;
        }
        float inv = (float) (1.0 / r.count);
        float[] grad = r.grad();
        for (int i = 0; i < out.length; i++) {
            out[i] = grad[i] * inv;
        }
    }

    public double lossSum() {
        return partitions == 0 ? 0 : root().loss;
    }

    public long correct() {
        return partitions == 0 ? 0 : root().correct;
    }

    public long count() {
        return partitions == 0 ? 0 : root().count;
    }

    /** One tree node: sums over its partitions. */
    private static final class Node implements Serializable {
        private static final long serialVersionUID = 2L;
        /** The sum itself; shipped in bulk, as it is most of a task's result. */
        final FloatPayload payload;
        final double loss;
        final long correct;
        final long count;

        Node(float[] grad, double loss, long correct, long count) {
            this.payload = new FloatPayload(grad);
            this.loss = loss;
            this.correct = correct;
            this.count = count;
        }

        float[] grad() {
            return payload.values();
        }

        /** {@code this + right}, reusing this node's array. */
        Node plus(Node right) {
            float[] sum = grad();
            float[] other = right.grad();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += other[i];
            }
            return new Node(sum, loss + right.loss, correct + right.correct, count + right.count);
        }
    }
}
