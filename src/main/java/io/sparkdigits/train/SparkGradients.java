package io.sparkdigits.train;

import io.sparkdigits.data.JobDescription;
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
 * the gradient of its slice of the global batch, and the partial sums are tree-aggregated. The
 * cached shards never move.
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
    private int epochs;
    private int steps;

    /** @param depth treeAggregate depth: 2 suits tens of partitions, more for hundreds */
    public SparkGradients(JavaRDD<Shard> shards, PartitionGradient kernel, int depth, JobDeadline deadline) {
        this.shards = shards;
        this.kernel = kernel;
        this.depth = depth;
        this.deadline = deadline;
    }

    /** Lets job descriptions say how far the run is: {@code train epoch 3/15 step 12/29}. */
    public SparkGradients totals(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
        return this;
    }

    /** What the Spark UI shows for a step's job. */
    String description(int epoch, int step) {
        return "train epoch " + (epoch + 1) + (epochs > 0 ? "/" + epochs : "") + " step " + (step + 1)
                + (steps > 0 ? "/" + steps : "");
    }

    @Override
    public GradientSum gradient(float[] params, int epoch, int step) {
        PartitionGradient k = kernel;
        int partitions = shards.getNumPartitions();
        SparkContext sc = shards.context();
        Broadcast<FloatPayload> weights = sc.broadcast(new FloatPayload(params), PAYLOAD);
        try {
            JavaRDD<GradientSum> partials = shards.mapPartitionsWithIndex(
                    (p, it) -> partial(k, p, partitions, it, weights.value().values(), epoch, step), true);
            return JobDescription.run(sc, description(epoch, step), () -> deadline.run(
                    "step " + (step + 1) + " of epoch " + (epoch + 1), () -> combine(partials)));
        } finally {
            weights.destroy();
        }
    }

    /**
     * The sum of the partials: by {@code treeAggregate} when its tree has levels below the driver.
     * Otherwise treeAggregate is this very job (each partial sent to the driver and merged there)
     * plus three closure cleanings, two zero-value copies and an extra RDD, about 1 ms a step as
     * measured on local[2], where a whole step costs about 10.
     */
    private GradientSum combine(JavaRDD<GradientSum> partials) {
        if (!treeHasLevels(partials.getNumPartitions(), depth)) {
            GradientSum sum = new GradientSum();
            partials.collect().forEach(sum::merge);
            return sum;
        }
        return partials.treeAggregate(new GradientSum(), GradientSum::merge, GradientSum::merge, depth);
    }

    /**
     * Whether {@code treeAggregate} over {@code n} partitions at {@code depth} combines any on
     * executors: Spark's own test (RDD.treeAggregate in Spark 4.1).
     */
    static boolean treeHasLevels(int n, int depth) {
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / depth)), 2);
        return n > scale + (int) Math.ceil((double) n / scale);
    }

    private static final ClassTag<FloatPayload> PAYLOAD = ClassTag$.MODULE$.apply(FloatPayload.class);

    private static Iterator<GradientSum> partial(PartitionGradient k, int partition, int partitions,
                                                 Iterator<Shard> it, float[] params, int epoch, int step) {
        if (!it.hasNext()) { // every partition holds one shard; an empty one still counts as a leaf
            return Collections.singletonList(GradientSum.leaf(partition, partitions, new float[params.length], 0, 0, 0))
                    .iterator();
        }
        return Collections.singletonList(k.compute(partition, partitions, it.next(), params, epoch, step)).iterator();
    }
}
