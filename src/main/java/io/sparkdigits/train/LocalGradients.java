package io.sparkdigits.train;

import io.sparkdigits.data.Shard;
import java.util.List;

/**
 * The same step as {@link SparkGradients} without Spark: shards held in this JVM, partials
 * combined in partition order. The reference the Spark path is tested against.
 */
public final class LocalGradients implements GradientSource {
    private final List<Shard> shards;
    private final PartitionGradient kernel;

    public LocalGradients(List<Shard> shards, PartitionGradient kernel) {
        this.shards = List.copyOf(shards);
        this.kernel = kernel;
    }

    @Override
    public GradientSum gradient(float[] params, int epoch, int step) {
        GradientSum total = new GradientSum();
        for (int p = 0; p < shards.size(); p++) {
            total.merge(kernel.compute(p, shards.size(), shards.get(p), params, epoch, step));
        }
        return total;
    }
}
