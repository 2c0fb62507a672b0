package io.sparkdigits.train;

import io.sparkdigits.data.Shard;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;

/**
 * One training step as one Spark job: the current weights travel with the task, each partition
 * computes the gradient of its slice of the global batch, and the partial sums are combined with
 * {@code treeAggregate}. The cached shards never move. Each step's job runs under a
 * {@link JobDeadline}, so a step that cannot finish (no executors left) fails the run.
 */
public final class SparkGradients implements GradientSource {
    private final JavaRDD<Shard> shards;
    private final PartitionGradient kernel;
    private final int depth;
    private final JobDeadline deadline;

    /** @param depth treeAggregate depth: 2 suits tens of partitions, more for hundreds */
    public SparkGradients(JavaRDD<Shard> shards, PartitionGradient kernel, int depth, JobDeadline deadline) {
        this.shards = shards;
        this.kernel = kernel;
        this.depth = depth;
        this.deadline = deadline;
    }

    @Override
    public GradientSum gradient(float[] params, int epoch, int step) {
        PartitionGradient k = kernel;
        shards.context().setJobDescription("train epoch " + (epoch + 1) + " step " + (step + 1));
        return deadline.run("step " + (step + 1) + " of epoch " + (epoch + 1), () -> shards
                .mapPartitionsWithIndex((p, it) -> partial(k, p, it, params, epoch, step), true)
                .treeAggregate(new GradientSum(), GradientSum::merge, GradientSum::merge, depth));
    }

    private static Iterator<GradientSum> partial(PartitionGradient k, int partition, Iterator<Shard> it,
                                                 float[] params, int epoch, int step) {
        if (!it.hasNext()) {
            return Collections.emptyIterator();
        }
        return Collections.singletonList(k.compute(partition, it.next(), params, epoch, step)).iterator();
    }
}
