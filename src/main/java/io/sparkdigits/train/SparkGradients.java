package io.sparkdigits.train;

import io.sparkdigits.data.Shard;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * One training step as one Spark job: the current weights are broadcast, each partition computes
 * the gradient of its slice of the global batch, and the partial sums are combined with
 * {@code treeAggregate}. The cached shards never move.
 *
 * <p>The weights go in a broadcast rather than the task closure: a closure is serialized to check
 * it, again into the task binary, and deserialized by every task, while a broadcast is written
 * once, fetched once per executor, and in local mode read by reference without any copy. It is
 * destroyed when the step is done. Each step's job runs under a {@link JobDeadline}, so a step that
 * cannot finish (no executors left) fails the run instead of hanging it.
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
        int partitions = shards.getNumPartitions();
        SparkContext sc = shards.context();
        sc.setJobDescription("train epoch " + (epoch + 1) + " step " + (step + 1));
        Broadcast<float[]> weights = sc.broadcast(params, FLOATS);
        try {
            return deadline.run("step " + (step + 1) + " of epoch " + (epoch + 1), () -> shards
                    .mapPartitionsWithIndex((p, it) -> partial(k, p, partitions, it, weights.value(), epoch, step), true)
                    .treeAggregate(new GradientSum(), GradientSum::merge, GradientSum::merge, depth));
        } finally {
            weights.destroy();
        }
    }

    private static final ClassTag<float[]> FLOATS = ClassTag$.MODULE$.apply(float[].class);

    private static Iterator<GradientSum> partial(PartitionGradient k, int partition, int partitions,
                                                 Iterator<Shard> it, float[] params, int epoch, int step) {
        if (!it.hasNext()) { // every partition holds one shard; an empty one still counts as a leaf
            return Collections.singletonList(GradientSum.leaf(partition, partitions, new float[params.length], 0, 0, 0))
                    .iterator();
        }
        return Collections.singletonList(k.compute(partition, partitions, it.next(), params, epoch, step)).iterator();
    }
}
